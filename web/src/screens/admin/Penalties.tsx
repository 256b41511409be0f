// Penalties: find a patient, see their no-show penalties, waive one with a reason.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { call } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { PenaltyRow, type Penalty } from "./PenaltyRow";
import { findPatients } from "./patients";
import type { User } from "./StaffRow";

const s = strings.admin;

export function Penalties() {
  const [q, setQ] = useState("");
  const [found, setFound] = useState<User[] | null>(null);
  const [patient, setPatient] = useState<User | null>(null);
  const [penalties, setPenalties] = useState<Penalty[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);

  async function find(event: Event) {
    event.preventDefault();
    if (!q.trim()) return;
    setBusy(true); setFailure(null);
    const got = await findPatients(q.trim());
    setBusy(false);
    if (got.ok) setFound(got.data.items); else setFailure(got.message);
  }

  async function open(who: User) {
    setPatient(who); setPenalties(null); setNotice(null); setFailure(null); setBusy(true);
    const got = await call(() => api.appointments.GET("/api/appointments/penalties", {
      params: { query: { patient_id: who.id, limit: 100 } } }));
    setBusy(false);
    if (got.ok) setPenalties(got.data.items); else setFailure(got.message);
  }

  return (
    <section aria-labelledby="penalties-heading">
      <h2 id="penalties-heading">{s.penaltiesHeading}</h2>
      <form class="toolbar" role="search" onSubmit={find}>
        <div><label for="penalty-q">{s.findPatient}</label>
          <input id="penalty-q" ref={search} type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} /></div>
        <button type="submit">{s.find}</button>
      </form>
      <Busy active={busy} />
      {failure && <Alert>{failure}</Alert>}
      <div aria-live="polite">{notice && <Alert kind="ok">{notice}</Alert>}</div>
      {found && found.length === 0 && <p>{s.noPatients}</p>}
      {found && found.length > 0 && (
        <ul class="picks">
          {found.map((p) => (
            <li key={p.id}><button type="button" class="secondary" aria-pressed={patient?.id === p.id}
              onClick={() => void open(p)}>{p.full_name} · {p.phone_number ?? p.username}</button></li>
          ))}
        </ul>
      )}
      {patient && penalties && (
        <>
          <h3>{t(s.penaltiesOf, { name: patient.full_name })}</h3>
          {penalties.length === 0 ? <p>{s.noPenalties}</p> : (
            <table>
              <thead><tr><th scope="col">{s.colWhen}</th><th scope="col">{s.state}</th>
                <th scope="col">{s.colWaiveReason}</th><th scope="col">{s.colActions}</th></tr></thead>
              <tbody>
                {penalties.map((p) => (
                  <PenaltyRow key={`${p.id}-${p.waived_at ?? ""}`} penalty={p} onFailed={setFailure}
                    onWaived={(w) => { setPenalties(penalties.map((x) => (x.id === w.id ? w : x)));
                      setNotice(s.penaltyWaivedDone); setFailure(null); }} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
