// Find a patient by name or phone (GET /api/auth/patients?q=, patients only), the search field
// focused on load and Enter to search; offline, the patients kept on this computer. Select one
// for a ticket or a booking, or register a walk-in.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, problemText } from "../../api/client";
import { strings, t } from "../../i18n";
import { cacheServer, recordsOf } from "../../lib/local";
import { Alert, Busy, failureText } from "../../ui/feedback";
import { isOffline } from "./actions";
import { WalkIn } from "./WalkIn";

const s = strings.desk;

export interface Patient {
  id: string;
  full_name: string;
  phone_number: string | null;
  voucher?: string | null;
  pending?: boolean;
}

async function searchLocal(q: string): Promise<Patient[]> {
  const needle = q.toLowerCase().replace(/\s+/g, "");
  const rows = await recordsOf("patient");
  return rows.map((r) => ({ id: r.id, full_name: String(r.fields.full_name ?? ""),
    phone_number: (r.fields.phone_number as string | null) ?? null, pending: r.pending }))
    .filter((p) => `${p.full_name}${p.phone_number ?? ""}`.toLowerCase().replace(/\s+/g, "").includes(needle));
}

export function PatientFinder({ selected, onSelect, say }: {
  selected: Patient | null; onSelect: (p: Patient) => void; say: (text: string, kind?: "ok" | "error") => void;
}) {
  const field = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState("");
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<Patient[] | null>(null);
  const [local, setLocal] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [walkIn, setWalkIn] = useState(false);
  useEffect(() => field.current?.focus(), []);

  async function search(event: Event) {
    event.preventDefault();
    if (!q.trim()) return;
    setBusy(true); setError(null);
    try {
      if (isOffline()) { setFound(await searchLocal(q.trim())); setLocal(true); return; }
      const { data, error: problem, response } = await api.auth.GET("/api/auth/patients", {
        params: { query: { q: q.trim(), limit: 25 } } });
      if (!data) { setError(failureText(response.status, problemText(problem))); return; }
      setFound(data.items); setLocal(false);
      for (const p of data.items) {
        await cacheServer("patient", p.id, { full_name: p.full_name, phone_number: p.phone_number });
      }
    } catch {
      setFound(await searchLocal(q.trim())); setLocal(true);
    } finally {
      setBusy(false);
    }
  }

  function choose(p: Patient) {
    onSelect(p);
    say(t(s.selected, { name: p.full_name }));
  }

  return (
    <section aria-labelledby="desk-find" class="panel">
      <h2 id="desk-find">{s.findHeading}</h2>
      <form role="search" onSubmit={search} class="row">
        <label for="desk-q">{s.searchLabel}</label>
        <input id="desk-q" ref={field} type="search" value={q} autoComplete="off"
          onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>{s.search}</button>
        <button type="button" class="secondary" onClick={() => setWalkIn(true)}>{s.registerWalkIn}</button>
      </form>
      <Busy active={busy} label={s.searching} />
      {error && <Alert>{error}</Alert>}
      <p aria-live="polite">
        {selected ? <strong>{t(s.selected, { name: selected.full_name })}</strong> : s.noneSelected}
      </p>
      {local && found && <p>{s.searchOffline}</p>}
      {found && !found.length && <p>{t(s.noMatch, { q })}</p>}
      {found && found.length > 0 && (
        <table>
          <caption class="sr-only">{t(s.matches, { count: found.length })}</caption>
          <thead><tr><th scope="col">{s.colName}</th><th scope="col">{s.colPhone}</th><th scope="col">{s.colAction}</th></tr></thead>
          <tbody>
            {found.map((p) => (
              <tr key={p.id}>
                <td>{p.full_name}{p.pending && <span class="badge pending"> {s.pending}</span>}</td>
                <td>{p.phone_number}</td>
                <td><button type="button" class="secondary" onClick={() => choose(p)}>{s.select}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {walkIn && <WalkIn onClose={() => setWalkIn(false)}
        onRegistered={(p) => { onSelect(p); say(t(s.selected, { name: p.full_name })); }} />}
    </section>
  );
}
