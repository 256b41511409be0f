// Under the header: offline, what the screens show is what was known at HH:MM, and how many
// changes wait to be sent; online, only while changes wait (being sent).
import { t } from "../../i18n";
import { waitingCount } from "../../lib/ops";
import { sync } from "../../lib/sync";
import { asOfText } from "../asof";
import { visits } from "../i18n/visits";
import { useEffect } from "preact/hooks";
import { useLive } from "../../lib/live-query";
import { ASOF, asOfAll, stampNow } from "./data";
import "./visits.css";

const s = visits.offline;

export function OfflineBar() {
  const online = sync.online.value;
  const revision = sync.revision.value;
  const count = useLive(() => waitingCount(), [], 0);
  useEffect(() => { // a sync run that went through pulled the records too: they are as of now
    if (revision && online && sync.failure.peek() === null) void stampNow(ASOF.sync);
  }, [revision]);
  const asOf = useLive(() => asOfAll(), [online, revision], null as string | null);
  if (online && !count) return <div role="status" class="sr-only" />;
  const time = asOfText(asOf);
  return (
    <div class="offline-bar" role="status">
      {!online && <p><strong>{time ? t(s.bar, { time }) : s.never}</strong></p>}
      {count > 0 && <p>{t(online ? s.sending : s.waiting, { count })}</p>}
    </div>
  );
}
