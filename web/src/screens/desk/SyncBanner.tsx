// The desk's network banner (role="status"): offline and how many operations wait, or online
// and sending them; a failed send in plain words, and "Send now".
import { strings, t } from "../../i18n";
import { waitingCount } from "../../lib/ops";
import { sync } from "../../lib/sync";
import { useLive } from "../../lib/live-query";

const s = strings.desk;

export function SyncBanner() {
  const count = useLive(() => waitingCount(), [], 0);
  const online = sync.online.value;
  const running = sync.running.value;
  const failure = sync.failure.value;
  const text = !online ? t(s.offlineBanner, { count })
    : count === 0 ? s.onlineAllSent
    : t(running ? s.onlineSending : s.onlineWaiting, { count });
  const why = failure === "unreachable" ? s.syncUnreachable
    : failure === "expired" ? s.syncExpired
    : failure ? t(s.syncFailed, { status: failure }) : null;
  return (
    <div class={`banner ${online ? "banner-online" : "banner-offline"}`}>
      <p role="status" aria-live="polite" class={online ? "" : "offline"}>
        <strong>{text}</strong>
        {!online && <span> {s.offlineHint}</span>}
      </p>
      {online && why && count > 0 && <p class="alert alert-error">{why}</p>}
      {online && count > 0 && !running && (
        <button type="button" class="secondary" onClick={() => void sync.run()}>{s.syncNow}</button>
      )}
    </div>
  );
}
