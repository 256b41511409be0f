// Sign in with a phone number (or a username) and a password: the OAuth2 form through
// session.signIn. A wrong password, too many tries (with the wait) and the server away are said
// plainly; an ended session says so and that nothing is lost.
import { useEffect, useRef, useState } from "preact/hooks";
import { session } from "../../lib/session";
import { Alert, Busy } from "../../ui/feedback";
import { ps } from "../i18n";
import { handoff, PATHS, signInText } from "./enter";
import { Field } from "./Field";
import "./account.css";

const s = ps.account.signIn;

export function SignIn({ expired }: { expired: boolean }) {
  const [login, setLogin] = useState(session.current.value?.username ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.signIn(login.trim(), password);
      handoff.value = null;
    } catch (e) {
      setError(signInText(e));
      setPassword("");
      setBusy(false);
    }
  }

  return (
    <main id="main" class="account signin">
      <form class="stack" onSubmit={submit} aria-labelledby="signin-heading">
        <h1 id="signin-heading">{s.heading}</h1>
        <p>{s.intro}</p>
        {expired && <Alert kind="info">{s.expired}</Alert>}
        {handoff.value && <Alert kind="info">{handoff.value}</Alert>}
        {error && <Alert>{error}</Alert>}
        <Field id="signin-login" label={s.phone} value={login} onInput={setLogin} required inputRef={first}
          autocomplete="username" />
        <Field id="signin-password" label={s.password} type="password" value={password} onInput={setPassword}
          required autocomplete="current-password" />
        <button type="submit" disabled={busy}>{s.submit}</button>
        <Busy active={busy} label={ps.account.common.working} />
      </form>
      <nav class="links" aria-label={s.other}>
        <a href={PATHS.register}>{s.register}</a>
        <a href={PATHS.activate}>{s.activate}</a>
        <a href={PATHS.reset}>{s.reset}</a>
      </nav>
    </main>
  );
}
