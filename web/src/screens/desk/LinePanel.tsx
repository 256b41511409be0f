// One doctor's line at the desk: live from the queue's stream when online (cached on this
// computer), and the local view when offline, with the desk's pending operations applied.
// Issue a walk-in ticket for the selected patient; per ticket: urgency, transfer, missed.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { isoDay } from "../../lib/call";
import type { LocalRecord } from "../../lib/db";
import { useLine } from "../../lib/live";
import { cacheLine, recordsOf } from "../../lib/local";
import { sync } from "../../lib/sync";
import { Busy } from "../../ui/feedback";
import { isOffline, newId, write } from "./actions";
import type { Doctor } from "./Desk";
import { useLive } from "../../lib/live-query";
import type { Patient } from "./PatientFinder";
import { TicketRow, type Ticket } from "./TicketRow";

const s = strings.desk;

async function localLine(doctorId: string | null): Promise<Ticket[]> {
  if (!doctorId) return [];
  const [tickets, patients] = await Promise.all([recordsOf("ticket"), recordsOf("patient")]);
  const names = new Map(patients.map((p) => [p.id, String(p.fields.full_name ?? "")]));
  const today = isoDay();
  const rank = (r: LocalRecord) => (r.fields.status === "called" ? -1 : Number(r.fields.position ?? 9999));
  return tickets
    .filter((r) => r.fields.doctor_id === doctorId && (r.fields.status === "waiting" || r.fields.status === "called")
      && (!r.fields.clinic_day || r.fields.clinic_day === today))
    .sort((a, b) => rank(a) - rank(b))
    .map((r) => ({ id: r.id, pending: !!r.pending, fields: r.fields,
      name: (r.fields.patient_name as string | null) ?? names.get(String(r.fields.patient_id)) ?? null }));
}

export function LinePanel({ doctorId, doctors, patient, say }: {
  doctorId: string | null; doctors: Doctor[]; patient: Patient | null;
  say: (text: string, kind?: "ok" | "error") => void;
}) {
  const { line, connected, refresh } = useLine(doctorId);
  const synced = sync.revision.value;
  useEffect(() => { if (synced && !isOffline()) void refresh(); }, [synced]); // after each sync: the line again
  const [urgency, setUrgency] = useState("3");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (doctorId && line && line.doctor_id === doctorId) {
      void cacheLine(doctorId, [...(line.called ? [line.called] : []), ...line.waiting],
        line.waiting.length >= line.total_waiting);
    }
  }, [line, doctorId]);
  const rows = useLive(() => localLine(doctorId), [doctorId], [] as Ticket[]);
  const called = rows.find((r) => r.fields.status === "called");
  const waiting = rows.filter((r) => r.fields.status === "waiting");

  async function issue(event: Event) {
    event.preventDefault();
    if (!doctorId) { say(s.pickDoctorFirst, "error"); return; }
    if (!patient) { say(s.pickPatientFirst, "error"); return; }
    const id = newId();
    const level = Number(urgency);
    setBusy(true);
    const done = await write({
      entity: "ticket", action: "issue", id, fields: { patient_id: patient.id, doctor_id: doctorId, urgency: level },
      label: t(s.labels.issue, { name: patient.full_name, urgency: level }),
      extra: { patient_name: patient.full_name, clinic_day: isoDay() },
      online: () => api.queue.POST("/api/queue/tickets", { body: { id, patient_id: patient.id, doctor_id: doctorId,
        urgency: level, patient_voucher: patient.voucher ?? null } }),
    });
    setBusy(false);
    if (!done.ok) say(done.message, "error");
    else if (done.queued) say(t(s.queuedDone, { what: t(s.labels.issue, { name: patient.full_name, urgency: level }) }));
    else say(t(s.issued, { label: done.data.label, name: patient.full_name }));
  }

  return (
    <section aria-labelledby="desk-line" class="panel">
      <h3 id="desk-line">{s.lineHeading}</h3>
      <p aria-live="polite">
        <span class={`badge${connected ? "" : " pending"}`}>{connected ? s.live : s.notLive}</span>{" "}
        {t(s.waitingCount, { count: waiting.length })}
        {" · "}
        {called ? t(s.beingSeen, { label: String(called.fields.label ?? s.newTicket), name: called.name ?? "" }) : s.nobodySeen}
      </p>
      <form onSubmit={issue} class="row">
        <h4>{s.issueHeading}</h4>
        <label for="desk-urgency">{s.urgency}</label>
        <select id="desk-urgency" value={urgency} onChange={(e) => setUrgency(e.currentTarget.value)}>
          {s.urgencyLevels.map((text, i) => <option key={i} value={String(i + 1)}>{text}</option>)}
        </select>
        <button type="submit" disabled={busy}>{s.issue}</button>
        <Busy active={busy} />
      </form>
      <table>
        <caption class="sr-only">{s.lineHeading}</caption>
        <thead>
          <tr>
            <th scope="col">{s.colNumber}</th><th scope="col">{s.colPatient}</th><th scope="col">{s.colUrgency}</th>
            <th scope="col">{s.colWait}</th><th scope="col">{s.colStatus}</th><th scope="col">{s.colActions}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => <TicketRow key={r.id} ticket={r} doctorId={doctorId!} doctors={doctors} say={say} />)}
          {!rows.length && <tr><td colSpan={6}>{s.emptyLine}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
