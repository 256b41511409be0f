// A booked visit's two changes: move it to another free time of the same doctor, or cancel it
// (asked first). Both carry an Idempotency-Key; a cancellation made offline (or whose answer
// never came) is kept as an operation, applied here at once and sent by the sync.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { t } from "../../i18n";
import { call } from "../../lib/call";
import { cacheServer, offlineWrite } from "../../lib/local";
import { sync } from "../../lib/sync";
import { Alert, Busy } from "../../ui/feedback";
import type { VisitView } from "../agenda";
import { visits } from "../i18n/visits";
import { refusal, type Refusal } from "../refusal";
import { keepers } from "./data";
import { Slots } from "./Slots";
import { whenText } from "./VisitList";

const s = visits.visit;

export function Reschedule({ visit, onDone }: { visit: VisitView; onDone: (text: string) => void }) {
  const [day, setDay] = useState(visit.start.slice(0, 10));
  const [start, setStart] = useState("");
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Refusal | null>(null);

  async function move() {
    if (!start || busy) return;
    const body = { start };
    const key = await keepers.reschedule.keyFor({ id: visit.id, ...body });
    setBusy(true); setOutcome(null);
    const got = await call(() => api.appointments.POST("/api/appointments/{appointment_id}/reschedule", {
      params: { path: { appointment_id: visit.id }, header: { "Idempotency-Key": key } }, body }));
    setBusy(false);
    if (got.ok) {
      await keepers.reschedule.done();
      await cacheServer("appointment", visit.id, { ...got.data });
      onDone(s.rescheduled);
      return;
    }
    const why = refusal(got.status, got.problem, got.message);
    if (why.kind !== "unconfirmed") await keepers.reschedule.done();
    if (why.kind === "taken") { setStart(""); setReload((n) => n + 1); }
    setOutcome(why);
  }

  return (
    <form class="stack card" onSubmit={(e) => { e.preventDefault(); void move(); }}>
      <h2>{s.reschedule}</h2>
      <Slots doctorId={visit.doctorId} day={day} onDay={setDay} value={start} onChange={setStart}
        reload={reload} idPrefix="move" />
      {outcome && (
        <Alert>
          {outcome.text}
          {outcome.kind === "unconfirmed" && (
            <p><button type="button" onClick={() => void move()}>{visits.book.tryAgain}</button></p>
          )}
        </Alert>
      )}
      <Busy active={busy} />
      <button type="submit" disabled={!start || busy}>{s.rescheduleSubmit}</button>
    </form>
  );
}

export function CancelVisit({ visit, onDone, onKeep }: {
  visit: VisitView; onDone: (text: string) => void; onKeep: () => void;
}) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function later(fields: Record<string, unknown>) {
    await offlineWrite("appointment", "cancel", visit.id, fields, t(s.cancelLabel, { when: whenText(visit.start) }));
    onDone(s.cancelledOffline);
  }

  async function cancel() {
    if (busy) return;
    const fields = reason.trim() ? { reason: reason.trim() } : {};
    if (!sync.online.peek() || !navigator.onLine) { await later(fields); return; }
    const key = await keepers.cancel.keyFor({ id: visit.id, ...fields });
    setBusy(true); setError(null);
    const got = await call(() => api.appointments.POST("/api/appointments/{appointment_id}/cancel", {
      params: { path: { appointment_id: visit.id }, header: { "Idempotency-Key": key } }, body: fields }));
    setBusy(false);
    await keepers.cancel.done();
    if (got.ok) {
      await cacheServer("appointment", visit.id, { ...got.data });
      onDone(s.cancelled);
    } else if (got.status === undefined) {
      await later(fields); // no answer: kept, and sent (once) by the sync
    } else {
      setError(refusal(got.status, got.problem, got.message).text);
    }
  }

  return (
    <form class="stack card" aria-labelledby="cancel-q" onSubmit={(e) => { e.preventDefault(); void cancel(); }}>
      <h2 id="cancel-q" tabIndex={-1} ref={heading}>{t(s.cancelQuestion, { when: whenText(visit.start) })}</h2>
      <label for="cancel-reason">{s.cancelReason}</label>
      <input id="cancel-reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
      {error && <Alert>{error}</Alert>}
      <Busy active={busy} />
      <div class="actions">
        <button type="submit" class="danger" disabled={busy}>{s.cancelYes}</button>
        <button type="button" class="secondary" onClick={onKeep}>{s.cancelNo}</button>
      </div>
    </form>
  );
}
