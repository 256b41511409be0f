// The changes to my details and preferences made offline, and what the clinic answered for
// each: waiting to be sent, applied, a newer change won (with the value kept), or refused (why).
import { problemText } from "../../api/client";
import { db, type Operation } from "../../lib/db";
import { ps, t } from "../i18n";
import { useLive } from "../../lib/live-query";
import { dismissMine, ENTITIES } from "./me-data";

const s = ps.account.changes;

function shown(value: Record<string, unknown> | null | undefined): string {
  if (!value) return "";
  const keys = ["full_name", "email", "phone_number", "channels"];
  return keys.filter((k) => value[k] != null).map((k) => String(value[k])).join(", ");
}

export function detail(op: Operation): string {
  const result = op.result;
  if (op.state === "superseded") return t(s.supersededBy, { value: shown(result?.current) });
  if (op.state === "rejected") {
    return t(s.rejectedBecause, { reason: problemText(result?.error) ?? String(result?.status ?? "") });
  }
  if (op.state === "pending" && result?.status === 503) return s.retryLater;
  return "";
}

export function ChangesCard() {
  const ops = useLive(() => db.ops.orderBy("seq").filter((op) => ENTITIES.includes(op.entity)).toArray(),
    [], [] as Operation[]);
  if (!ops.length) return null;
  const answered = ops.some((op) => op.state !== "pending" && op.state !== "sending");
  return (
    <section class="card" aria-labelledby="me-changes">
      <h2 id="me-changes">{s.heading}</h2>
      <ul class="changes" aria-live="polite">
        {ops.map((op) => (
          <li key={op.op_id} class={`change change-${op.state}`}>
            <span>{op.label ?? op.entity}</span>{" "}
            <span class={`badge outcome-${op.state}`}>{s.state[op.state]}</span>
            {detail(op) && <p>{detail(op)}</p>}
          </li>
        ))}
      </ul>
      {answered && <button type="button" class="secondary" onClick={() => void dismissMine()}>{s.dismiss}</button>}
    </section>
  );
}
