// A forgotten password, from home: first the phone number, and the clinic sends a reset code
// to it by SMS (its answer is the same whether or not an account uses the number, and the
// password keeps working until the code is used); then the code and a new password, which
// signs in. A code reception sent skips the first step ("I already have a code").
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { call } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { ps } from "../i18n";
import { CodeForm } from "./CodeForm";
import { HOME } from "./enter";
import { Field } from "./Field";
import { codeRequestRefusal, plausiblePhone } from "./rules";
import "./account.css";

const c = ps.account.common;
const s = ps.account.reset;

interface AskProps {
  phone: string;
  onPhone: (phone: string) => void;
  onSent: () => void;
  onHaveCode: () => void;
}

function AskForCode({ phone, onPhone, onSent, onHaveCode }: AskProps) {
  const [error, setError] = useState<{ text: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    if (!plausiblePhone(phone)) { setError({ text: c.badPhone, field: "phone_number" }); return; }
    setBusy(true);
    setError(null);
    const answer = await call(() => api.auth.POST("/api/auth/password-reset/request", {
      body: { phone_number: phone.trim() } }));
    setBusy(false);
    if (answer.ok) { onSent(); return; }
    setError(codeRequestRefusal(answer.status, answer.problem));
  }

  return (
    <main id="main" class="account">
      <form class="stack" onSubmit={submit} aria-labelledby="reset-ask-heading">
        <h1 id="reset-ask-heading">{s.heading}</h1>
        <p>{s.askIntro}</p>
        {error && <Alert>{error.text}</Alert>}
        <Field id="reset-ask-phone" label={c.phone} hint={c.phoneHint} type="tel" inputMode="tel" value={phone}
          onInput={onPhone} required autocomplete="tel" inputRef={first} invalid={error?.field === "phone_number"} />
        <button type="submit" disabled={busy}>{s.askSubmit}</button>
        <Busy active={busy} label={c.working} />
      </form>
      <nav class="links" aria-label={ps.account.signIn.other}>
        <button type="button" class="secondary" onClick={onHaveCode}>{s.haveCode}</button>
        <a href={HOME}>{c.toSignIn}</a>
      </nav>
    </main>
  );
}

export function Reset() {
  const [phone, setPhone] = useState("");
  // null: asking for a code; else the code step, told whether a code was just asked for.
  const [step, setStep] = useState<{ sent: boolean } | null>(null);
  if (step === null) {
    return <AskForCode phone={phone} onPhone={setPhone} onSent={() => setStep({ sent: true })}
      onHaveCode={() => setStep({ sent: false })} />;
  }
  return <CodeForm kind="reset" phone={step.sent ? phone.trim() : ""} notice={step.sent ? s.sent : undefined}
    again={{ label: s.again, onClick: () => setStep(null) }} />;
}
