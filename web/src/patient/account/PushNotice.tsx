// What asking for phone notifications after the first booking came to ("on", or SMS instead and
// why), wherever the patient is: a status line with a link to Me, until dismissed. Meant for the
// shell, under the offline bar (app.tsx: <PushNotice />), so it shows on whatever screen follows.
import { pushNotice } from "../push";
import { ps } from "../i18n";
import "./account.css";

const s = ps.account.push;

export function PushNotice() {
  const text = pushNotice.value;
  if (!text) return null;
  return (
    <div class="push-notice" role="status">
      <p>{text}</p>
      <div class="row">
        <a href="/patient/me" onClick={() => { pushNotice.value = null; }}>{s.inMe}</a>
        <button type="button" class="secondary" onClick={() => { pushNotice.value = null; }}>{s.ok}</button>
      </div>
    </div>
  );
}
