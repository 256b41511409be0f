// Staff accounts: find (name, username, email, phone; by role), create, change role,
// deactivate, issue a reset code. A reset code shown here is shown once.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { call } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { StaffForm } from "./StaffForm";
import { StaffRow, type User } from "./StaffRow";

const s = strings.admin;
const PAGE = 25;
type RoleFilter = "" | User["role"];

export function Staff() {
  const [q, setQ] = useState("");
  const [role, setRole] = useState<RoleFilter>("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: User[]; total: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);

  async function load(at = offset) {
    setBusy(true);
    const got = await call(() => api.auth.GET("/api/auth/users", { params: { query: {
      q: q.trim() || undefined, role: role || undefined, limit: PAGE, offset: at } } }));
    setBusy(false);
    if (got.ok) { setPage(got.data); setOffset(at); setFailure(null); } else setFailure(got.message);
  }
  useEffect(() => { search.current?.focus(); void load(0); }, []);

  const changed = (user: User, message: string) => {
    setPage((p) => p && { ...p, items: p.items.map((u) => (u.id === user.id ? user : u)) });
    setNotice(message); setSecret(null); setFailure(null);
  };

  return (
    <section aria-labelledby="staff-heading">
      <h2 id="staff-heading">{s.staffHeading}</h2>
      <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); void load(0); }}>
        <div><label for="staff-q">{s.search}</label>
          <input id="staff-q" ref={search} type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} /></div>
        <div><label for="staff-filter">{s.roleFilter}</label>
          <select id="staff-filter" value={role} onChange={(e) => setRole(e.currentTarget.value as RoleFilter)}>
            <option value="">{s.allRoles}</option>
            {(["admin", "receptionist", "doctor", "patient"] as const).map((r) => <option value={r}>{s.roles[r]}</option>)}
          </select></div>
        <button type="submit">{s.find}</button>
      </form>
      <Busy active={busy} />
      {failure && <Alert>{failure}</Alert>}
      <div aria-live="polite">
        {notice && <Alert kind="ok">{notice}</Alert>}
        {secret && <Alert kind="info">{secret} {s.resetOnce}</Alert>}
      </div>
      {page && (
        <>
          <p>{t(s.found, { count: page.total })}</p>
          <table>
            <thead><tr><th scope="col">{s.fullName}</th><th scope="col">{s.username}</th><th scope="col">{s.role}</th>
              <th scope="col">{s.state}</th><th scope="col">{s.colActions}</th></tr></thead>
            <tbody>
              {page.items.map((user) => (
                <StaffRow key={`${user.id}-${user.role}-${user.active}`} user={user} onChanged={changed}
                  onFailed={(m) => { setFailure(m); setNotice(null); }}
                  onReset={(m) => { setSecret(m); setNotice(null); setFailure(null); }} />
              ))}
            </tbody>
          </table>
          <div class="actions">
            <button type="button" class="secondary" disabled={offset === 0 || busy}
              onClick={() => void load(Math.max(0, offset - PAGE))}>{s.previous}</button>
            <button type="button" class="secondary" disabled={offset + PAGE >= page.total || busy}
              onClick={() => void load(offset + PAGE)}>{s.next}</button>
          </div>
        </>
      )}
      <StaffForm onCreated={(m) => { setNotice(m); setSecret(null); void load(0); }} />
    </section>
  );
}
