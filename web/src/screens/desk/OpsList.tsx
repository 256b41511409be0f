// The desk's operations and what the server answered for each: waiting, sending, applied,
// duplicate, superseded (with the value that won) or rejected (with its reason). Answered ones
// stay until dismissed. A walk-in registered offline gets its activation code here once applied.
import { useState } from "preact/hooks";
import { api, problemText } from "../../api/client";
import { strings, t } from "../../i18n";
import { call, stamp } from "../../lib/call";
import { allOps, ANSWERED, dismissAnswered, type DeskOperation } from "../../lib/ops";
import { useLive } from "../../lib/live-query";

const s = strings.desk;

function shown(value: Record<string, unknown> | null | undefined): string {
  if (!value) return "";
  const keys = ["label", "status", "urgency", "doctor_id", "start", "full_name", "phone_number"];
  return keys.filter((k) => value[k] != null).map((k) => `${k}: ${String(value[k])}`).join(", ");
}

export function detail(op: DeskOperation): string {
  const result = op.result;
  if (op.state === "superseded") return t(s.supersededBy, { value: shown(result?.current) });
  if (op.state === "rejected") {
    const reason = problemText(result?.error) ?? (result?.status ? String(result.status) : "");
    return t(s.rejectedBecause, { reason });
  }
  if (op.state === "pending" && result?.status === 503) return s.retryLater;
  return "";
}

export function OpsList({ say }: { say: (text: string, kind?: "ok" | "error") => void }) {
  const ops = useLive(() => allOps(), [], [] as DeskOperation[]);
  const [code, setCode] = useState<Record<string, string>>({});
  const answered = ops.some((op) => ANSWERED.includes(op.state));

  async function activation(op: DeskOperation) {
    const got = await call(() => api.auth.POST("/api/auth/patients/{user_id}/activation-code", {
      params: { path: { user_id: op.id } } }));
    if (!got.ok) { say(got.message, "error"); return; }
    setCode({ ...code, [op.op_id]: `${s.activationCode}: ${got.data.activation_code} · ${t(s.validUntil,
      { when: stamp(got.data.activation_code_expires_at) })}` });
  }

  return (
    <section aria-labelledby="desk-ops">
      <h2 id="desk-ops">{s.opsHeading}</h2>
      {!ops.length ? <p>{s.opsNone}</p> : (
        <table>
          <caption class="sr-only">{s.opsHeading}</caption>
          <thead><tr><th scope="col">{s.colWhat}</th><th scope="col">{s.colResult}</th><th scope="col">{s.colDetail}</th></tr></thead>
          <tbody aria-live="polite">
            {ops.map((op) => (
              <tr key={op.op_id} class={op.state === "pending" || op.state === "sending" ? "pending" : undefined}>
                <td>{op.label ?? `${op.entity} ${op.action}`}</td>
                <td><span class={`badge outcome-${op.state}`}>{s.outcome[op.state]}</span></td>
                <td>
                  {detail(op)}
                  {op.entity === "patient" && op.action === "register" && op.state === "applied" && (
                    code[op.op_id] ? <strong>{code[op.op_id]}</strong>
                      : <button type="button" class="secondary" onClick={() => void activation(op)}>{s.getCode}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {answered && <button type="button" class="secondary" onClick={() => void dismissAnswered()}>{s.dismiss}</button>}
    </section>
  );
}
