// One account in the staff list: change its role, deactivate or reactivate it, issue a reset code.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema/auth";
import { strings, t } from "../../i18n";
import { call } from "../../lib/call";

export type User = components["schemas"]["UserPublic"];
type Role = User["role"];
const s = strings.admin;

interface Props {
  user: User;
  onChanged: (user: User, message: string) => void;
  onFailed: (message: string) => void;
  onReset: (message: string) => void;
}

export function StaffRow({ user, onChanged, onFailed, onReset }: Props) {
  const [role, setRole] = useState<Role>(user.role);
  const [busy, setBusy] = useState(false);
  const name = user.full_name || user.username;

  async function patch(body: { role?: Role; active?: boolean }, message: string) {
    setBusy(true);
    const got = await call(() => api.auth.PATCH("/api/auth/users/{user_id}", {
      params: { path: { user_id: user.id } }, body }));
    setBusy(false);
    if (got.ok) onChanged(got.data, message);
    else { onFailed(got.message); setRole(user.role); }
  }

  async function reset() {
    setBusy(true);
    const got = await call(() => api.auth.POST("/api/auth/users/{user_id}/password-reset", {
      params: { path: { user_id: user.id } } }));
    setBusy(false);
    if (!got.ok) { onFailed(got.message); return; }
    onReset(got.data.code ? t(s.resetCode, { name, code: got.data.code })
      : t(s.resetSent, { name, to: got.data.sent_to }));
  }

  return (
    <tr>
      <td>{user.full_name}</td>
      <td>{user.username}</td>
      <td>
        <label class="sr-only" for={`role-${user.id}`}>{t(s.roleFor, { name })}</label>
        <select id={`role-${user.id}`} value={role} disabled={busy || user.role === "patient"}
          onChange={(e) => setRole(e.currentTarget.value as Role)}>
          {(user.role === "patient" ? ["patient"] : ["receptionist", "doctor", "admin"]).map((r) => (
            <option value={r}>{s.roles[r as Role]}</option>))}
        </select>
        {role !== user.role && (
          <button type="button" disabled={busy}
            onClick={() => void patch({ role }, t(s.roleChanged, { name, role: s.roles[role] }))}>
            {s.changeRole}
          </button>
        )}
      </td>
      <td>{user.active ? s.active : s.inactive}</td>
      <td><div class="actions">
        {user.active ? (
          <button type="button" class="danger" disabled={busy}
            onClick={() => void patch({ active: false }, t(s.deactivated, { name }))}>{s.deactivate}</button>
        ) : (
          <button type="button" class="secondary" disabled={busy}
            onClick={() => void patch({ active: true }, t(s.reactivated, { name }))}>{s.reactivate}</button>
        )}
        <button type="button" class="secondary" disabled={busy || !user.active} onClick={() => void reset()}>
          {s.issueReset}</button>
      </div></td>
    </tr>
  );
}
