// Today's appointments of one doctor (kept on this computer, so they show offline too), with
// check in, reschedule and cancel; and booking the selected patient into a free slot.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { call, clock, isoDay } from "../../lib/call";
import { cacheServer, recordsOf } from "../../lib/local";
import { sync } from "../../lib/sync";
import { write } from "./actions";
import { AppointmentDialog, type Mode } from "./AppointmentDialog";
import { useLive } from "../../lib/live-query";
import type { Patient } from "./PatientFinder";
import { statusWord } from "./TicketRow";

const s = strings.desk;

export interface Appt { id: string; name: string; start: string; status: string; pending: boolean }

async function today(doctorId: string | null): Promise<Appt[]> {
  if (!doctorId) return [];
  const [rows, patients] = await Promise.all([recordsOf("appointment"), recordsOf("patient")]);
  const names = new Map(patients.map((p) => [p.id, String(p.fields.full_name ?? "")]));
  const day = isoDay();
  return rows.filter((r) => r.fields.doctor_id === doctorId && typeof r.fields.start === "string"
      && isoDay(new Date(r.fields.start)) === day)
    .map((r) => ({ id: r.id, start: String(r.fields.start), status: String(r.fields.status ?? ""), pending: !!r.pending,
      name: String(r.fields.patient_name ?? names.get(String(r.fields.patient_id)) ?? s.unknownPatient) }))
    .sort((a, b) => a.start.localeCompare(b.start));
}

export function Appointments({ doctorId, patient, say }: {
  doctorId: string | null; patient: Patient | null;
  say: (text: string, kind?: "ok" | "error") => void;
}) {
  const [dialog, setDialog] = useState<{ mode: Mode; appt: Appt | null } | null>(null);
  const revision = sync.revision.value;
  useEffect(() => {
    if (!doctorId) return;
    void call(() => api.appointments.GET("/api/appointments", {
      params: { query: { doctor_id: doctorId, date: isoDay(), limit: 100 } } })).then(async (got) => {
      if (!got.ok) return; // offline: what is kept here shows
      for (const a of got.data.items) await cacheServer("appointment", a.id, { ...a });
    });
  }, [doctorId, revision]);
  const rows = useLive(() => today(doctorId), [doctorId], [] as Appt[]);

  async function checkIn(a: Appt) {
    const what = t(s.labels.checkIn, { name: a.name });
    const done = await write({ entity: "appointment", action: "check_in", id: a.id, fields: {}, label: what,
      online: () => api.appointments.POST("/api/appointments/{appointment_id}/check-in", {
        params: { path: { appointment_id: a.id } } }) });
    if (!done.ok) say(done.message, "error");
    else say(done.queued ? t(s.queuedDone, { what }) : t(s.checkedIn, { name: a.name }));
  }

  return (
    <section aria-labelledby="desk-appts" class="panel">
      <h3 id="desk-appts">{s.apptHeading}</h3>
      <button type="button" onClick={() => {
        if (!doctorId) say(s.pickDoctorFirst, "error");
        else if (!patient) say(s.pickPatientFirst, "error");
        else setDialog({ mode: "book", appt: null });
      }}>{s.book}</button>
      <table>
        <caption class="sr-only">{s.apptHeading}</caption>
        <thead><tr><th scope="col">{s.colTime}</th><th scope="col">{s.colPatient}</th>
          <th scope="col">{s.colStatus}</th><th scope="col">{s.colActions}</th></tr></thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id} class={a.pending ? "pending" : undefined}>
              <td>{clock(a.start)}</td>
              <td>{a.name}</td>
              <td>{statusWord(a.status)}{a.pending && <span class="badge pending"> {s.pending}</span>}</td>
              <td>
                {a.status === "booked" && (
                  <>
                    <button type="button" onClick={() => void checkIn(a)}>{s.checkIn}</button>{" "}
                    <button type="button" class="secondary" onClick={() => setDialog({ mode: "reschedule", appt: a })}>{s.reschedule}</button>{" "}
                    <button type="button" class="secondary" onClick={() => setDialog({ mode: "cancel", appt: a })}>{s.cancel}</button>
                  </>
                )}
              </td>
            </tr>
          ))}
          {!rows.length && <tr><td colSpan={4}>{s.noAppointments}</td></tr>}
        </tbody>
      </table>
      {dialog && doctorId && (
        <AppointmentDialog mode={dialog.mode} appt={dialog.appt} doctorId={doctorId}
          patient={patient} say={say} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}
