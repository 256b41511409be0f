// /patient/visits/:id: when, doctor, room, status; a completed visit's diagnosis and treatment
// (the patient's own); move or cancel a booked one. What this phone changed and has not sent
// yet says "waiting to be sent", then what the clinic answered.
import { useLive } from "../../lib/live-query";
import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { problemText } from "../../api/client";
import { t } from "../../i18n";
import type { Operation } from "../../lib/db";
import { allOps } from "../../lib/ops";
import { sync } from "../../lib/sync";
import { db } from "../../lib/db";
import { Alert, Busy } from "../../ui/feedback";
import { changeable, latestOp, visitOf, type DoctorInfo } from "../agenda";
import { asOfText } from "../asof";
import { visits } from "../i18n/visits";
import { ASOF, loadDoctors, refreshAppointment, stampOf } from "./data";
import { CancelVisit, Reschedule } from "./VisitActions";
import { statusText, whenText } from "./VisitList";

const s = visits.visit;

function shown(value: Record<string, unknown> | null | undefined): string {
  if (!value) return "";
  const status = typeof value.status === "string" ? statusText(value.status) : "";
  const start = typeof value.start === "string" ? whenText(value.start) : "";
  return [status, start].filter(Boolean).join(", ");
}

export function opText(op: Operation | null): string | null {
  if (!op) return null;
  if (op.state === "pending" || op.state === "sending") {
    return op.result?.status === 503 ? s.opRetry : visits.waitingToSend;
  }
  if (op.state === "applied" || op.state === "duplicate") return s.opApplied;
  if (op.state === "superseded") return t(s.opSuperseded, { value: shown(op.result?.current) });
  const reason = problemText(op.result?.error) ?? (op.result?.status ? String(op.result.status) : "");
  return t(s.opRejected, { reason });
}

export function Visit() {
  const { params, query } = useRoute();
  const id = params.id ?? "";
  const online = sync.online.value;
  const revision = sync.revision.value;
  const [doctors, setDoctors] = useState<DoctorInfo[]>([]);
  const [loading, setLoading] = useState(true);
  const [mode, setMode] = useState<"view" | "move" | "cancel">("view");
  const [done, setDone] = useState<string | null>(query.booked ? visits.book.booked : null);

  useEffect(() => {
    let live = true;
    void (async () => {
      const got = await loadDoctors();
      if (live) setDoctors(got.doctors);
      await refreshAppointment(id);
      if (live) setLoading(false);
    })();
    return () => { live = false; };
  }, [id, online, revision]);

  const record = useLive(() => db.records.get(["appointment", id]), [id], undefined);
  const ops = useLive(() => allOps(), [], [] as Operation[]);
  const asOf = useLive(async () => asOfText(await stampOf(ASOF.appointments)), [loading, revision], null as string | null);
  const visit = record ? visitOf(record, new Map(doctors.map((d) => [d.id, d]))) : null;
  const op = latestOp(ops, "appointment", id);
  const opLine = opText(op);

  if (!visit) {
    return (
      <main id="main" class="stack">
        <h1>{s.heading}</h1>
        {loading ? <Busy active /> : <p>{s.notFound}</p>}
        <a href="/patient/">{s.back}</a>
      </main>
    );
  }
  const finished = (text: string) => { setMode("view"); setDone(text); };
  return (
    <main id="main" class="stack">
      <h1>{s.heading}</h1>
      {done && <Alert kind="ok">{done}</Alert>}
      {!online && asOf && <p class="asof">{t(visits.home.asOf, { time: asOf })}</p>}
      <dl class="facts card">
        <dt>{s.when}</dt><dd>{whenText(visit.start)}</dd>
        <dt>{s.doctor}</dt><dd>{visit.doctorName ?? ""}</dd>
        {visit.department && <><dt>{s.department}</dt><dd>{visit.department}</dd></>}
        <dt>{s.where}</dt><dd>{visit.room ? t(visits.room, { room: visit.room }) : visits.noRoom}</dd>
        <dt>{s.statusLabel}</dt>
        <dd><strong class={`status-${visit.status}`}>{statusText(visit.status)}</strong>
          {visit.pending && <> <span class="badge pending">{visits.waitingToSend}</span></>}</dd>
        {visit.reason && <><dt>{s.reason}</dt><dd>{visit.reason}</dd></>}
        {visit.diagnosis && <><dt>{s.diagnosis}</dt><dd>{visit.diagnosis}</dd></>}
        {visit.treatment && <><dt>{s.treatment}</dt><dd>{visit.treatment}</dd></>}
      </dl>
      {opLine && <p role="status" class={op?.state === "rejected" ? "alert alert-error" : "alert alert-info"}>{opLine}</p>}
      {mode === "move" && <Reschedule visit={visit} onDone={finished} />}
      {mode === "cancel" && <CancelVisit visit={visit} onDone={finished} onKeep={() => setMode("view")} />}
      {mode === "view" && changeable(visit) && !visit.pending && (
        <div class="actions">
          {online && <button type="button" class="secondary" onClick={() => { setDone(null); setMode("move"); }}>{s.reschedule}</button>}
          <button type="button" class="danger" onClick={() => { setDone(null); setMode("cancel"); }}>{s.cancel}</button>
        </div>
      )}
      {mode === "move" && <button type="button" class="secondary" onClick={() => setMode("view")}>{s.keepTime}</button>}
      <a href="/patient/">{s.back}</a>
    </main>
  );
}
