// Me (/patient/me): my details, my password, how the clinic tells me (channels, quiet hours,
// phone notifications) and the changes made offline with what the clinic answered. Shows the
// last known profile and preferences offline, with when they were last known.
import { useEffect, useState } from "preact/hooks";
import { stamp } from "../../lib/call";
import { db, type LocalRecord } from "../../lib/db";
import { session } from "../../lib/session";
import { sync } from "../../lib/sync";
import { Alert } from "../../ui/feedback";
import { ps, t } from "../i18n";
import { ChangesCard } from "./ChangesCard";
import { useLive } from "../../lib/live-query";
import { asOf, PREFS, PROFILE, refresh } from "./me-data";
import { PasswordCard } from "./PasswordCard";
import { PrefsCard } from "./PrefsCard";
import { ProfileCard } from "./ProfileCard";
import { PushCard } from "./PushCard";
import "./account.css";

const s = ps.account.me;

export function Me() {
  const userId = session.current.value?.userId ?? "";
  const online = sync.online.value;
  const revision = sync.revision.value;
  const [fresh, setFresh] = useState<boolean | null>(null); // null: asking
  const [pushTick, setPushTick] = useState(0);
  const profile = useLive(() => db.records.get([PROFILE, userId]), [userId], undefined as LocalRecord | undefined);
  const prefs = useLive(() => db.records.get([PREFS, userId]), [userId], undefined as LocalRecord | undefined);
  const known = useLive(() => asOf(), [], null as string | null);

  useEffect(() => {
    if (!userId) return;
    let live = true;
    void refresh(userId).then((ok) => { if (live) setFresh(ok); }).catch(() => { if (live) setFresh(false); });
    return () => { live = false; };
  }, [userId, online, revision, pushTick]);

  return (
    <main id="main" class="account me">
      <h1>{s.heading}</h1>
      {!online && <Alert kind="info">{s.offline}</Alert>}
      {fresh === false && <p class="as-of" role="status">{known ? t(s.asOf, { asOf: stamp(known) }) : s.unknown}</p>}
      <ProfileCard userId={userId} record={profile} />
      <ChangesCard />
      <PrefsCard userId={userId} record={prefs} />
      <PushCard devices={(prefs?.fields.devices as string[] | undefined)} onChange={() => setPushTick((n) => n + 1)} />
      <PasswordCard profilePhone={(profile?.fields.phone_number as string | null | undefined) ?? null} />
    </main>
  );
}
