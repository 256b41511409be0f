// The audit trail, newest first, with its filters (action, actor, subject, period) and paging
// by cursor ("Show older entries").
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { call, isoDay, shiftDay, stamp } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";

const s = strings.admin;
const PAGE = 50;

interface Entry {
  occurred_at: string; action: string; actor_id: string | null; actor_name: string | null;
  actor_role: string | null; subject_id: string | null; subject_name: string | null;
  event_id: string; detail: Record<string, unknown> | null;
}
interface Page { items: Entry[]; next_cursor: string | null }

const EMPTY = { action: "", actor_id: "", subject_id: "", from: shiftDay(isoDay(), -29), to: isoDay() };

function detailText(detail: Entry["detail"]): string {
  if (!detail) return "";
  return Object.entries(detail).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

export function Audit() {
  const [filters, setFilters] = useState(EMPTY);
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const set = (key: keyof typeof EMPTY) => (e: Event) =>
    setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value });

  async function load(after: string | null) {
    const f = filters;
    setBusy(true); setFailure(null);
    const got = await call(() => api.reporting.GET("/api/audit", { params: { query: {
      action: f.action.trim() || undefined, actor_id: f.actor_id.trim() || undefined,
      subject_id: f.subject_id.trim() || undefined, from: f.from || undefined, to: f.to || undefined,
      limit: PAGE, cursor: after ?? undefined } } }));
    setBusy(false);
    if (!got.ok) { setFailure(got.message); return; }
    const page = got.data as Page;
    setEntries(after ? [...(entries ?? []), ...page.items] : page.items);
    setCursor(page.next_cursor);
  }
  useEffect(() => { void load(null); }, []);

  const field = (key: keyof typeof EMPTY, label: string, type: "text" | "date" = "text") => (
    <div><label for={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type={type as "text"} value={filters[key]} onInput={set(key)} /></div>
  );

  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">{s.auditHeading}</h2>
      <form class="toolbar" onSubmit={(e) => { e.preventDefault(); void load(null); }}>
        {field("action", s.auditAction)}
        {field("actor_id", s.auditActor)}
        {field("subject_id", s.auditSubject)}
        {field("from", s.from, "date")}
        {field("to", s.to, "date")}
        <button type="submit" disabled={busy}>{s.applyFilters}</button>
        <button type="button" class="secondary" onClick={() => setFilters(EMPTY)}>{s.clearFilters}</button>
      </form>
      <p class="muted">{s.auditHint}</p>
      <Busy active={busy} />
      {failure && <Alert>{failure}</Alert>}
      <p aria-live="polite">{entries && t(s.auditShown, { count: entries.length })}</p>
      {entries && entries.length > 0 && (
        <table>
          <thead><tr><th scope="col">{s.colWhen}</th><th scope="col">{s.auditAction}</th>
            <th scope="col">{s.colWho}</th><th scope="col">{s.colSubject}</th><th scope="col">{s.colDetail}</th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.event_id}>
                <td>{stamp(e.occurred_at)}</td><td>{e.action}</td>
                <td>{e.actor_name ?? e.actor_id ?? s.nobody}{e.actor_role ? ` (${e.actor_role})` : ""}</td>
                <td>{e.subject_name ?? e.subject_id ?? ""}</td>
                <td class="detail">{detailText(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && <button type="button" class="secondary" disabled={busy} onClick={() => void load(cursor)}>
        {s.olderEntries}</button>}
    </section>
  );
}
