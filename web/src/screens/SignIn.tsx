import { signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { strings, t } from "../i18n";
import { session, SignInError } from "../lib/session";
import { Alert, Busy } from "../ui/feedback";

// Outlives the form: a patient's sign-in is ended at once, which mounts a new form.
const notice = signal<string | null>(null);

export function SignIn({ expired = false }: { expired?: boolean }) {
  const [username, setUsername] = useState(session.current.value?.username ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    notice.value = null;
    try {
      const who = await session.signIn(username.trim(), password);
      if (who.role === "patient") {
        notice.value = strings.signIn.patientsUseApp;
        await session.signOut();
      }
    } catch (e) {
      if (e instanceof SignInError && e.status === 429) {
        setError(t(strings.signIn.throttled, { seconds: e.retryAfter ?? e.detail.match(/\d+/)?.[0] ?? "60" }));
      } else if (e instanceof SignInError && (e.status === 401 || e.status === 400 || e.status === 422)) {
        setError(strings.signIn.failed);
      } else {
        setError(e instanceof SignInError ? e.detail : strings.app.unreachable);
      }
    } finally {
      setBusy(false);
      setPassword("");
    }
  }

  return (
    <main id="main" class="signin">
      <form onSubmit={submit} aria-labelledby="signin-heading">
        <h1 id="signin-heading">{strings.signIn.heading}</h1>
        {expired && <Alert kind="info">{strings.signIn.expired}</Alert>}
        {error && <Alert>{error}</Alert>}
        {notice.value && <Alert>{notice.value} <a href="/patient/">{strings.signIn.patientApp}</a></Alert>}
        <label for="username">{strings.signIn.username}</label>
        <input id="username" ref={first} autocomplete="username" required value={username}
          onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="password">{strings.signIn.password}</label>
        <input id="password" type="password" autocomplete="current-password" required value={password}
          onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>{strings.signIn.submit}</button>
        <Busy active={busy} />
      </form>
    </main>
  );
}
