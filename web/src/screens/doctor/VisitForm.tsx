// Complete the visit: diagnosis and treatment for one appointment. What was typed stays when
// saving fails; Escape closes the form.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { call } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";

const s = strings.doctor;

interface Props {
  appointmentId: string;
  patientName: string;
  onDone: (message: string) => void;
  onClose: () => void;
}

export function VisitForm({ appointmentId, patientName, onDone, onClose }: Props) {
  const [diagnosis, setDiagnosis] = useState("");
  const [treatment, setTreatment] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const first = useRef<HTMLTextAreaElement>(null);
  useEffect(() => first.current?.focus(), [appointmentId]);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true); setFailure(null);
    const got = await call(() => api.appointments.POST("/api/appointments/{appointment_id}/complete", {
      params: { path: { appointment_id: appointmentId } },
      body: { diagnosis: diagnosis.trim(), treatment: treatment.trim() } }));
    setBusy(false);
    if (got.ok) onDone(t(s.visitSaved, { name: patientName }));
    else setFailure(got.message);
  }

  return (
    <section class="panel" aria-labelledby="visit-heading"
      onKeyDown={(e) => { if (e.key === "Escape") onClose(); }}>
      <h2 id="visit-heading">{t(s.visitHeading, { name: patientName })}</h2>
      <form onSubmit={submit}>
        <label for="diagnosis">{s.diagnosis}</label>
        <textarea id="diagnosis" ref={first} required rows={3} value={diagnosis}
          onInput={(e) => setDiagnosis(e.currentTarget.value)} />
        <label for="treatment">{s.treatment}</label>
        <textarea id="treatment" required rows={3} value={treatment}
          onInput={(e) => setTreatment(e.currentTarget.value)} />
        {failure && <Alert>{failure}</Alert>}
        <div class="actions">
          <button type="submit" disabled={busy}>{s.saveVisit}</button>
          <button type="button" class="secondary" onClick={onClose}>{strings.app.cancel}</button>
        </div>
        <Busy active={busy} label={s.saving} />
      </form>
    </section>
  );
}
