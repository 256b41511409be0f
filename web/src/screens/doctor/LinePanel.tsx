// My line: who is being seen, who waits (in call order), and the three moves of the doctor:
// call next, serve, mark missed. The line refreshes by itself; each move refreshes it at once.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { call, clock } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import type { Line, LineTicket } from "../../lib/live";

const s = strings.doctor;

export interface Served {
  appointmentId: string;
  patientName: string;
}

interface Props {
  doctorId: string;
  line: Line | null;
  connected: boolean;
  error: string | null;
  refresh: () => Promise<void>;
  onServed: (served: Served) => void;
}

function who(ticket: LineTicket): string {
  return ticket.patient_name ?? s.unknownPatient;
}

export function LinePanel({ doctorId, line, connected, error, refresh, onServed }: Props) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const called = line?.called ?? null;

  async function act(run: () => Promise<string | null>) {
    setBusy(true); setFailure(null); setDone(null);
    try { setDone(await run()); } finally { setBusy(false); await refresh(); }
  }

  const callNext = () => act(async () => {
    const got = await call(() => api.queue.POST("/api/queue/doctors/{doctor_id}/call-next", {
      params: { path: { doctor_id: doctorId } } }));
    if (got.ok) return t(s.calledDone, { label: got.data.label });
    setFailure(got.status === 404 ? s.nobodyWaiting : got.message);
    return null;
  });

  const serve = (ticket: LineTicket) => act(async () => {
    const got = await call(() => api.queue.POST("/api/queue/tickets/{ticket_id}/serve", {
      params: { path: { ticket_id: ticket.id } }, body: {} }));
    if (!got.ok) { setFailure(got.message); return null; }
    if (got.data.appointment_to_complete && got.data.appointment_id) {
      onServed({ appointmentId: got.data.appointment_id, patientName: who(ticket) });
    }
    return t(s.servedDone, { label: ticket.label });
  });

  const missed = (ticket: LineTicket) => act(async () => {
    const got = await call(() => api.queue.POST("/api/queue/tickets/{ticket_id}/no-show", {
      params: { path: { ticket_id: ticket.id } }, body: {} }));
    if (!got.ok) { setFailure(got.message); return null; }
    return got.data.status === "missed" ? t(s.missedDone, { label: ticket.label })
      : t(s.requeuedDone, { label: ticket.label });
  });

  return (
    <section class="panel" aria-labelledby="my-line">
      <h2 id="my-line">{s.lineHeading}</h2>
      <p aria-live="polite">
        {line && <strong>{t(s.waitingCount, { count: line.total_waiting })}</strong>}
        {!connected && <span class="muted"> {s.connecting}</span>}
      </p>
      {error && <Alert>{error}</Alert>}
      <div aria-live="polite">
        {called ? (
          <div class="now-seeing">
            <h3>{s.nowSeeing}</h3>
            <p class="big">{called.label} · {who(called)}</p>
            <p>{t(s.calledAt, { time: clock(called.called_at) })}</p>
            <div class="actions">
              <button type="button" disabled={busy} onClick={() => void serve(called)}>{s.serve}</button>
              <button type="button" class="secondary" disabled={busy} onClick={() => void missed(called)}>
                {s.missed}
              </button>
            </div>
          </div>
        ) : <p>{s.nobodyCalled}</p>}
      </div>
      <button type="button" disabled={busy || !!called} onClick={() => void callNext()}>{s.callNext}</button>
      <Busy active={busy} label={s.working} />
      {failure && <Alert>{failure}</Alert>}
      <div aria-live="polite">{done && <Alert kind="ok">{done}</Alert>}</div>
      <table>
        <caption class="sr-only">{s.waitingCaption}</caption>
        <thead>
          <tr><th scope="col">{s.colNumber}</th><th scope="col">{s.colPatient}</th>
            <th scope="col">{s.colUrgency}</th><th scope="col">{s.colArrived}</th><th scope="col">{s.colEta}</th></tr>
        </thead>
        <tbody>
          {(line?.waiting ?? []).map((ticket) => (
            <tr key={ticket.id}>
              <td>{ticket.label}</td><td>{who(ticket)}</td><td>{ticket.urgency}</td>
              <td>{clock(ticket.arrived_at)}</td>
              <td>{ticket.eta_minutes == null ? "" : t(s.etaMinutes, { minutes: ticket.eta_minutes })}</td>
            </tr>
          ))}
          {line && line.waiting.length === 0 && <tr><td colSpan={5}>{s.nobodyWaitingRow}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
