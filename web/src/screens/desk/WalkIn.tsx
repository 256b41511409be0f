// Register a walk-in (POST /api/auth/patients, or offline the operation patient.register with
// the desk's own id, so that its ticket can name the patient before the server knew it). The
// activation code is shown once, clearly, and never stored.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { stamp } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { newId, write } from "./actions";
import { Dialog } from "./Dialog";
import type { Patient } from "./PatientFinder";

const s = strings.desk;

interface Code { name: string; code: string; expires: string }

export function WalkIn({ onClose, onRegistered }: { onClose: () => void; onRegistered: (p: Patient) => void }) {
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState<Code | null>(null);
  const [queued, setQueued] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true); setError(null);
    const id = newId();
    const fields: Record<string, unknown> = { full_name: name.trim(), phone_number: phone.trim() };
    if (email.trim()) fields.email = email.trim();
    const done = await write({
      entity: "patient", action: "register", id, fields,
      label: t(s.labels.register, { name: name.trim() }),
      online: () => api.auth.POST("/api/auth/patients", { body: { id, full_name: name.trim(),
        phone_number: phone.trim(), email: email.trim() || null } }),
    });
    setBusy(false);
    if (!done.ok) { setError(done.message); return; }
    if (done.queued) {
      onRegistered({ id, full_name: name.trim(), phone_number: phone.trim(), pending: true });
      setQueued(t(s.registeredOffline, { name: name.trim() }));
      return;
    }
    const p = done.data;
    onRegistered({ id: p.id, full_name: p.full_name, phone_number: p.phone_number, voucher: p.voucher ?? null });
    setCode({ name: p.full_name, code: p.activation_code, expires: p.activation_code_expires_at });
  }

  if (code) {
    return (
      <Dialog title={t(s.activationHeading, { name: code.name })} onClose={onClose}>
        <p>{s.activationOnce}</p>
        <p>{s.activationCode}: <strong class="code">{code.code}</strong></p>
        <p>{t(s.validUntil, { when: stamp(code.expires) })}</p>
      </Dialog>
    );
  }
  if (queued) {
    return <Dialog title={s.walkInHeading} onClose={onClose}><Alert kind="info">{queued}</Alert></Dialog>;
  }
  return (
    <Dialog title={s.walkInHeading} onClose={onClose}>
      <form onSubmit={submit}>
        <label for="walkin-name">{s.fullName}</label>
        <input id="walkin-name" required value={name} autoComplete="off" onInput={(e) => setName(e.currentTarget.value)} />
        <label for="walkin-phone">{s.phone}</label>
        <input id="walkin-phone" required type="tel" value={phone} autoComplete="off" onInput={(e) => setPhone(e.currentTarget.value)} />
        <label for="walkin-email">{s.email}</label>
        <input id="walkin-email" type="email" value={email} autoComplete="off" onInput={(e) => setEmail(e.currentTarget.value)} />
        {error && <Alert>{error}</Alert>}
        <Busy active={busy} label={s.registering} />
        <p><button type="submit" disabled={busy}>{s.register}</button></p>
      </form>
    </Dialog>
  );
}
