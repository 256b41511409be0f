// Create a staff account: admin, receptionist or doctor (a doctor needs department and room).
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema/auth";
import { strings, t } from "../../i18n";
import { call } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";

type StaffCreate = components["schemas"]["StaffCreate"];
const s = strings.admin;
const EMPTY = { username: "", password: "", role: "receptionist", full_name: "", email: "", phone_number: "",
  department: "", room: "" };

export function StaffForm({ onCreated }: { onCreated: (message: string) => void }) {
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const set = (key: keyof typeof EMPTY) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });

  async function submit(event: Event) {
    event.preventDefault();
    const optional = (v: string) => (v.trim() ? v.trim() : null);
    const body: StaffCreate = { username: form.username.trim(), password: form.password,
      role: form.role as StaffCreate["role"], full_name: form.full_name.trim(), email: optional(form.email),
      phone_number: optional(form.phone_number), department: optional(form.department), room: optional(form.room) };
    setBusy(true); setFailure(null);
    const got = await call(() => api.auth.POST("/api/auth/users", { body }));
    setBusy(false);
    if (!got.ok) { setFailure(got.message); return; }
    setForm(EMPTY);
    onCreated(t(s.staffCreated, { username: got.data.username }));
  }

  const field = (key: keyof typeof EMPTY, label: string, type: "text" | "password" | "email" | "tel" = "text", required = false) => (
    <div>
      <label for={`staff-${key}`}>{label}</label>
      <input id={`staff-${key}`} type={type as "text"} required={required} value={form[key]} onInput={set(key)}
        autocomplete={type === "password" ? "new-password" : "off"} />
    </div>
  );

  return (
    <form class="panel" onSubmit={submit} aria-labelledby="new-staff">
      <h2 id="new-staff">{s.newStaff}</h2>
      <div class="form-grid">
        {field("full_name", s.fullName, "text", true)}
        {field("username", s.username, "text", true)}
        {field("password", s.password, "password", true)}
        <div>
          <label for="staff-role">{s.role}</label>
          <select id="staff-role" value={form.role} onChange={set("role")}>
            {(["receptionist", "doctor", "admin"] as const).map((r) => <option value={r}>{s.roles[r]}</option>)}
          </select>
        </div>
        {field("email", s.email, "email")}
        {field("phone_number", s.phone, "tel")}
        {field("department", s.department, "text", form.role === "doctor")}
        {field("room", s.room, "text", form.role === "doctor")}
      </div>
      <p class="muted">{s.doctorNeeds}</p>
      {failure && <Alert>{failure}</Alert>}
      <button type="submit" disabled={busy}>{s.createStaff}</button>
      <Busy active={busy} label={s.saving} />
    </form>
  );
}
