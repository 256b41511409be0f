// A patient registers with their phone number and a password (name, email optional), then is
// signed in at once. A taken phone number says so with the ways on (sign in, reset); a field the
// server refuses is named.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../../api/client";
import { call } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { ps } from "../i18n";
import { enterAfter, HOME, PATHS } from "./enter";
import { Field } from "./Field";
import { fieldOf, passwordProblem, plausiblePhone, refusalText, takenField } from "./rules";
import "./account.css";

const s = ps.account.register;
const c = ps.account.common;

export function Register() {
  const { route } = useLocation();
  const [phone, setPhone] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<{ text: string; field?: string; taken?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    if (!plausiblePhone(phone)) { setError({ text: c.badPhone, field: "phone_number" }); return; }
    const bad = passwordProblem(password, confirm);
    if (bad) { setError({ text: bad, field: "password" }); return; }
    setBusy(true);
    setError(null);
    const answer = await call(() => api.auth.POST("/api/auth/patients/register", { body: {
      phone_number: phone.trim(), full_name: name.trim(), password, ...(email.trim() ? { email: email.trim() } : {}) } }));
    if (answer.ok) {
      setDone(true);
      await enterAfter(answer.data.phone_number ?? phone.trim(), password, route);
      return;
    }
    setBusy(false);
    if (answer.status === 409) {
      const field = takenField((answer.problem as { detail?: unknown } | null)?.detail);
      setError({ text: field === "email" ? s.emailTaken : s.phoneTaken, field, taken: field !== "email" });
      return;
    }
    setError({ text: refusalText(answer.status, answer.problem), field: fieldOf(answer.problem) ?? undefined });
  }

  const invalid = (field: string) => error?.field === field;
  return (
    <main id="main" class="account">
      <form class="stack" onSubmit={submit} aria-labelledby="register-heading">
        <h1 id="register-heading">{s.heading}</h1>
        <p>{s.intro}</p>
        {done && <Alert kind="info">{s.done}</Alert>}
        {error && (
          <Alert>
            {error.text}
            {error.taken && <> <a href={HOME}>{s.takenSignIn}</a> · <a href={PATHS.reset}>{s.takenReset}</a></>}
          </Alert>
        )}
        <Field id="reg-phone" label={c.phone} hint={c.phoneHint} type="tel" inputMode="tel" value={phone}
          onInput={setPhone} required autocomplete="tel" inputRef={first} invalid={invalid("phone_number")} />
        <Field id="reg-name" label={c.fullName} value={name} onInput={setName} required autocomplete="name"
          invalid={invalid("full_name")} />
        <Field id="reg-email" label={c.email} type="email" value={email} onInput={setEmail} autocomplete="email"
          invalid={invalid("email")} />
        <Field id="reg-password" label={c.password} hint={c.passwordHint} type="password" value={password}
          onInput={setPassword} required autocomplete="new-password" invalid={invalid("password")} />
        <Field id="reg-confirm" label={c.confirm} type="password" value={confirm} onInput={setConfirm} required
          autocomplete="new-password" invalid={invalid("password")} />
        <button type="submit" disabled={busy}>{s.submit}</button>
        <Busy active={busy} label={c.working} />
      </form>
      <nav class="links" aria-label={ps.account.signIn.other}>
        <a href={HOME}>{c.toSignIn}</a>
      </nav>
    </main>
  );
}
