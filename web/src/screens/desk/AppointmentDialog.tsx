// Book the selected patient, reschedule or cancel an appointment: from the doctor's free
// slots; online a direct call (a taken slot's 409 shows the server's reason), offline an
// operation for /api/sync.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { clock } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { newId, write } from "./actions";
import type { Appt } from "./Appointments";
import { Dialog } from "./Dialog";
import type { Patient } from "./PatientFinder";
import { SlotPicker } from "./SlotPicker";

const s = strings.desk;
export type Mode = "book" | "reschedule" | "cancel";

export function AppointmentDialog({ mode, appt, doctorId, patient, say, onClose }: {
  mode: Mode; appt: Appt | null; doctorId: string; patient: Patient | null;
  say: (text: string, kind?: "ok" | "error") => void; onClose: () => void;
}) {
  const [start, setStart] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = mode === "book" ? patient?.full_name ?? "" : appt?.name ?? "";

  async function submit(event: Event) {
    event.preventDefault();
    if (mode !== "cancel" && !start) { setError(s.pickSlot); return; }
    setBusy(true); setError(null);
    const time = clock(start);
    let done;
    if (mode === "book" && patient) {
      const id = newId();
      const fields: Record<string, unknown> = { patient_id: patient.id, doctor_id: doctorId, start };
      if (reason.trim()) fields.reason = reason.trim();
      done = await write({ entity: "appointment", action: "book", id, fields,
        label: t(s.labels.book, { name, time }),
        extra: { patient_name: name, end: start },
        online: () => api.appointments.POST("/api/appointments", { body: { id, patient_id: patient.id,
          doctor_id: doctorId, start, reason: reason.trim() || null } }) });
    } else if (mode === "reschedule" && appt) {
      done = await write({ entity: "appointment", action: "reschedule", id: appt.id, fields: { start },
        label: t(s.labels.reschedule, { name, time }),
        online: () => api.appointments.POST("/api/appointments/{appointment_id}/reschedule", {
          params: { path: { appointment_id: appt.id } }, body: { start } }) });
    } else if (appt) {
      const fields: Record<string, unknown> = reason.trim() ? { reason: reason.trim() } : {};
      done = await write({ entity: "appointment", action: "cancel", id: appt.id, fields,
        label: t(s.labels.cancel, { name }),
        online: () => api.appointments.POST("/api/appointments/{appointment_id}/cancel", {
          params: { path: { appointment_id: appt.id } }, body: { reason: reason.trim() || null } }) });
    }
    setBusy(false);
    if (!done) return;
    if (!done.ok) { setError(done.message); return; }
    const ok = mode === "book" ? t(s.booked, { name, time }) : mode === "reschedule" ? t(s.rescheduled, { time })
      : s.cancelled;
    say(done.queued ? t(s.queuedDone, { what: ok }) : ok);
    onClose();
  }

  const title = mode === "book" ? t(s.bookHeading, { name }) : mode === "reschedule"
    ? t(s.rescheduleHeading, { name }) : t(s.cancelHeading, { name });
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit}>
        {mode !== "cancel" && <SlotPicker doctorId={doctorId} value={start} onChange={setStart} />}
        {mode !== "reschedule" && (
          <>
            <label for="appt-reason">{mode === "cancel" ? s.cancelReason : s.reason}</label>
            <input id="appt-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </>
        )}
        {error && <Alert>{error}</Alert>}
        <Busy active={busy} />
        <p><button type="submit" disabled={busy}>
          {mode === "book" ? s.confirmBook : mode === "reschedule" ? s.confirmReschedule : s.confirmCancel}
        </button></p>
      </form>
    </Dialog>
  );
}
