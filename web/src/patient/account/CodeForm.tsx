// A one-time code from an SMS (or from the desk) and a new password: activating an account
// reception registered, or resetting a forgotten password (the phone number comes filled in
// when the patient has just asked for the code: see Reset.tsx). A wrong code and the limit on
// tries (auth's 401 and 429 with the seconds to wait) are said plainly; success signs in at once.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../../api/client";
import { call } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { ps, t } from "../i18n";
import { enterAfter, HOME } from "./enter";
import { Field } from "./Field";
import { fieldOf, passwordProblem, plausiblePhone, refusalText, retrySeconds } from "./rules";
import "./account.css";

const c = ps.account.common;

type Kind = "activate" | "reset";

function send(kind: Kind, phone: string, code: string, password: string) {
  if (kind === "activate") {
    return call(() => api.auth.POST("/api/auth/patients/activate", {
      body: { phone_number: phone, activation_code: code, password } }));
  }
  return call(() => api.auth.POST("/api/auth/password-reset", {
    body: { phone_number: phone, code, new_password: password } }));
}

interface Props {
  kind: Kind;
  /** the number the code was just asked for (then the code field has the focus) */
  phone?: string;
  /** said above the form: that a code is on its way */
  notice?: string | undefined;
  /** a button under the form to ask for another code */
  again?: { label: string; onClick: () => void } | undefined;
}

export function CodeForm({ kind, phone: asked = "", notice, again }: Props) {
  const s = kind === "activate" ? ps.account.activate : ps.account.reset;
  const { route } = useLocation();
  const [phone, setPhone] = useState(asked);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<{ text: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  useEffect(() => (asked ? codeInput : first).current?.focus(), [asked]);

  async function submit(event: Event) {
    event.preventDefault();
    if (!plausiblePhone(phone)) { setError({ text: c.badPhone, field: "phone_number" }); return; }
    const bad = passwordProblem(password, confirm);
    if (bad) { setError({ text: bad, field: "password" }); return; }
    setBusy(true);
    setError(null);
    const answer = await send(kind, phone.trim(), code.trim(), password);
    if (answer.ok) {
      setDone(true);
      await enterAfter(phone.trim(), password, route);
      return;
    }
    setBusy(false);
    if (answer.status === 401) {
      setError({ text: s.wrong, field: "code" });
    } else if (answer.status === 429 && kind === "activate") {
      setError({ text: t(ps.account.activate.locked, { seconds: retrySeconds(answer.problem) }) });
    } else {
      const field = fieldOf(answer.problem);
      setError({ text: refusalText(answer.status, answer.problem),
        field: field === "activation_code" ? "code" : field === "new_password" ? "password" : field ?? undefined });
    }
  }

  const invalid = (field: string) => error?.field === field;
  const id = (name: string) => `${kind}-${name}`;
  return (
    <main id="main" class="account">
      <form class="stack" onSubmit={submit} aria-labelledby={id("heading")}>
        <h1 id={id("heading")}>{s.heading}</h1>
        <p>{s.intro}</p>
        {notice && !done && <Alert kind="info">{notice}</Alert>}
        {done && <Alert kind="info">{s.done}</Alert>}
        {error && <Alert>{error.text}</Alert>}
        <Field id={id("phone")} label={c.phone} hint={c.phoneHint} type="tel" inputMode="tel" value={phone}
          onInput={setPhone} required autocomplete="tel" inputRef={first} invalid={invalid("phone_number")} />
        <Field id={id("code")} label={s.code} hint={s.codeHint} value={code} onInput={setCode} required
          autocomplete="one-time-code" code invalid={invalid("code")} inputRef={codeInput} />
        <Field id={id("password")} label={c.newPassword} hint={c.passwordHint} type="password" value={password}
          onInput={setPassword} required autocomplete="new-password" invalid={invalid("password")} />
        <Field id={id("confirm")} label={c.confirm} type="password" value={confirm} onInput={setConfirm} required
          autocomplete="new-password" invalid={invalid("password")} />
        <button type="submit" disabled={busy}>{s.submit}</button>
        <Busy active={busy} label={c.working} />
      </form>
      <nav class="links" aria-label={ps.account.signIn.other}>
        {again && <button type="button" class="secondary" onClick={again.onClick}>{again.label}</button>}
        <a href={HOME}>{c.toSignIn}</a>
      </nav>
    </main>
  );
}
