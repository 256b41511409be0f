// Change my password with the current one. The server ends every session, this one too; the
// app signs this phone in again with the new password at once (nothing local is lost) and says
// that every other phone or browser is signed out. Needs the network.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { call } from "../../lib/call";
import { session } from "../../lib/session";
import { sync } from "../../lib/sync";
import { Alert, Busy } from "../../ui/feedback";
import { ps } from "../i18n";
import { signInText } from "./enter";
import { Field } from "./Field";
import { passwordProblem, refusalText } from "./rules";

const s = ps.account.password;
const c = ps.account.common;

export function PasswordCard({ profilePhone }: { profilePhone: string | null }) {
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [said, setSaid] = useState<{ text: string; kind: "ok" | "error" } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (!sync.online.value) { setSaid({ text: s.offline, kind: "error" }); return; }
    const bad = passwordProblem(password, confirm);
    if (bad) { setSaid({ text: bad, kind: "error" }); return; }
    setBusy(true);
    setSaid(null);
    const answer = await call(() => api.auth.POST("/api/auth/me/password", {
      body: { current_password: current, new_password: password } }));
    if (!answer.ok) {
      setBusy(false);
      setSaid({ text: answer.status === 403 ? s.wrong : refusalText(answer.status, answer.problem), kind: "error" });
      return;
    }
    const login = session.current.value?.username || profilePhone || "";
    try {
      await session.signIn(login, password);
      setSaid({ text: s.done, kind: "ok" });
    } catch (error) {
      setSaid({ text: `${s.signInAgain} ${signInText(error)}`, kind: "error" });
      session.expired.value = true; // the shell shows the sign-in form; what waits here is kept
    }
    setCurrent("");
    setPassword("");
    setConfirm("");
    setBusy(false);
  }

  return (
    <section class="card" aria-labelledby="me-password">
      <h2 id="me-password">{s.heading}</h2>
      <form class="stack" onSubmit={submit}>
        <Field id="me-current" label={s.current} type="password" value={current} onInput={setCurrent} required
          autocomplete="current-password" />
        <Field id="me-new" label={c.newPassword} hint={c.passwordHint} type="password" value={password}
          onInput={setPassword} required autocomplete="new-password" />
        <Field id="me-confirm" label={c.confirm} type="password" value={confirm} onInput={setConfirm} required
          autocomplete="new-password" />
        {said && <Alert kind={said.kind}>{said.text}</Alert>}
        <button type="submit" disabled={busy}>{s.submit}</button>
        <Busy active={busy} label={c.working} />
      </form>
    </section>
  );
}
