// The doctor's console: my line (live), call next / serve / mark missed, complete the visit
// with diagnosis and treatment, today's appointments and my weekly hours.
import { useState } from "preact/hooks";
import { strings } from "../../i18n";
import { session } from "../../lib/session";
import { Alert } from "../../ui/feedback";
import { Hours } from "./Hours";
import { useLine } from "../../lib/live";
import { LinePanel, type Served } from "./LinePanel";
import { Today } from "./Today";
import { VisitForm } from "./VisitForm";
import "../admin/admin.css";

const s = strings.doctor;

export function Doctor() {
  const doctorId = session.current.value?.userId ?? null;
  const { line, connected, error, refresh } = useLine(doctorId);
  const [visit, setVisit] = useState<Served | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  if (!doctorId) return null;

  function open(next: Served) { setSaved(null); setVisit(next); }

  return (
    <main id="main" class="console">
      <h1>{s.heading}{line?.doctor_name ? ` · ${line.doctor_name}` : ""}</h1>
      <div aria-live="polite">{saved && <Alert kind="ok">{saved}</Alert>}</div>
      <div class="grid">
        <LinePanel doctorId={doctorId} line={line} connected={connected} error={error} refresh={refresh}
          onServed={open} />
        {visit && (
          <VisitForm key={visit.appointmentId} appointmentId={visit.appointmentId} patientName={visit.patientName}
            onClose={() => setVisit(null)}
            onDone={(message) => { setSaved(message); setVisit(null); setVersion((v) => v + 1); void refresh(); }} />
        )}
      </div>
      <Today doctorId={doctorId} version={version}
        onComplete={(appointmentId, patientName) => open({ appointmentId, patientName })} />
      <Hours doctorId={doctorId} />
    </main>
  );
}
