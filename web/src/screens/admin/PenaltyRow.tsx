// One no-show penalty, with its waiver: a reason is required; the reason typed stays on failure.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema/appointments";
import { strings, t } from "../../i18n";
import { call, stamp } from "../../lib/call";

export type Penalty = components["schemas"]["PenaltyPublic"];
const s = strings.admin;

interface Props {
  penalty: Penalty;
  onWaived: (penalty: Penalty) => void;
  onFailed: (message: string) => void;
}

export function PenaltyRow({ penalty, onWaived, onFailed }: Props) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const when = stamp(penalty.created_at);

  async function waive(event: Event) {
    event.preventDefault();
    setBusy(true);
    const got = await call(() => api.appointments.POST("/api/appointments/penalties/{penalty_id}/waive", {
      params: { path: { penalty_id: penalty.id } }, body: { reason: reason.trim() } }));
    setBusy(false);
    if (got.ok) onWaived(got.data); else onFailed(got.message);
  }

  const state = penalty.waived_at ? s.penaltyWaived : penalty.active ? s.penaltyActive : s.penaltyExpired;
  return (
    <tr>
      <td>{when}</td>
      <td>{state}</td>
      <td>{penalty.waive_reason ?? ""}</td>
      <td>
        {!penalty.waived_at && (
          <form class="inline" onSubmit={waive}>
            <label class="sr-only" for={`waive-${penalty.id}`}>{t(s.waiveReasonFor, { when })}</label>
            <input id={`waive-${penalty.id}`} required maxLength={500} placeholder={s.waiveReason} value={reason}
              onInput={(e) => setReason(e.currentTarget.value)} />
            <button type="submit" disabled={busy}>{s.waive}</button>
          </form>
        )}
      </td>
    </tr>
  );
}
