// Today's appointments of this doctor, with their status; a checked-in one can be completed.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema/appointments";
import { strings } from "../../i18n";
import { call, clock, isoDay } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";

type Appointment = components["schemas"]["AppointmentPublic"];
const s = strings.doctor;

interface Props {
  doctorId: string;
  version: number; // bumped after a completion: read again
  onComplete: (appointmentId: string, patientName: string) => void;
}

export function Today({ doctorId, version, onComplete }: Props) {
  const [items, setItems] = useState<Appointment[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    setBusy(true);
    const got = await call(() => api.appointments.GET("/api/appointments", {
      params: { query: { doctor_id: doctorId, date: isoDay(), limit: 100 } } }));
    setBusy(false);
    if (got.ok) { setItems(got.data.items); setFailure(null); } else setFailure(got.message);
  }
  useEffect(() => { void load(); }, [doctorId, version]);

  return (
    <section class="panel" aria-labelledby="today-heading">
      <h2 id="today-heading">{s.todayHeading}</h2>
      <Busy active={busy} />
      {failure && <Alert>{failure} <button type="button" class="secondary" onClick={() => void load()}>
        {strings.app.retry}</button></Alert>}
      {items && items.length === 0 && <p>{s.todayNone}</p>}
      {items && items.length > 0 && (
        <table>
          <thead><tr><th scope="col">{s.colTime}</th><th scope="col">{s.colPatient}</th>
            <th scope="col">{s.colStatus}</th><th scope="col">{s.colReason}</th>
            <th scope="col">{s.colAction}</th></tr></thead>
          <tbody>
            {items.map((a) => {
              const name = a.patient_name ?? s.unknownPatient;
              return (
                <tr key={a.id}>
                  <td>{clock(a.start)}</td><td>{name}</td><td>{s.status[a.status]}</td><td>{a.reason ?? ""}</td>
                  <td>{a.status === "checked_in" && (
                    <button type="button" class="secondary" aria-label={`${s.completeVisit}: ${name}`}
                      onClick={() => onComplete(a.id, name)}>{s.completeVisit}</button>)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
