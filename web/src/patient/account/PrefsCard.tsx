// How the clinic tells me: the channels (SMS, phone notifications, email) and quiet hours.
// Saved at once online (the devices kept as the server has them); offline, an operation.
import { useState } from "preact/hooks";
import type { LocalRecord } from "../../lib/db";
import { Alert, Busy } from "../../ui/feedback";
import { ps } from "../i18n";
import { Field } from "./Field";
import { savePrefs, type Channel, type QuietHours } from "./me-data";

const s = ps.account.prefs;
const CHANNELS: Channel[] = ["sms", "push", "email"];

interface Draft { channels: Channel[]; quiet: boolean; start: string; end: string }

function known(record: LocalRecord | undefined): Draft {
  const f = record?.fields ?? {};
  const quiet = (f.quiet_hours as QuietHours | null | undefined) ?? null;
  return { channels: (f.channels as Channel[] | undefined) ?? ["sms"], quiet: !!quiet,
    start: quiet?.start ?? "21:00", end: quiet?.end ?? "07:00" };
}

export function PrefsCard({ userId, record }: { userId: string; record: LocalRecord | undefined }) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [said, setSaid] = useState<{ text: string; kind: "ok" | "error" | "info" } | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = draft ?? known(record);
  const change = (next: Partial<Draft>) => { setDraft({ ...shown, ...next }); setSaid(null); };
  const toggle = (channel: Channel, on: boolean) =>
    change({ channels: CHANNELS.filter((ch) => (ch === channel ? on : shown.channels.includes(ch))) });

  async function submit(event: Event) {
    event.preventDefault();
    if (!shown.channels.length) { setSaid({ text: s.noChannel, kind: "error" }); return; }
    setBusy(true);
    const result = await savePrefs(userId, { channels: shown.channels,
      quiet_hours: shown.quiet ? { start: shown.start, end: shown.end } : null }, s.heading);
    setBusy(false);
    if (result.kind === "refused") { setSaid({ text: result.text, kind: "error" }); return; }
    setDraft(null);
    setSaid(result.kind === "saved" ? { text: s.saved, kind: "ok" } : { text: s.queued, kind: "info" });
  }

  return (
    <section class="card" aria-labelledby="me-prefs">
      <h2 id="me-prefs">
        {s.heading} {record?.pending && <span class="badge pending">{ps.account.profile.pending}</span>}
      </h2>
      <form class="stack" onSubmit={submit}>
        <fieldset>
          <legend>{s.channels}</legend>
          {CHANNELS.map((channel) => (
            <label class="check" key={channel}>
              <input type="checkbox" checked={shown.channels.includes(channel)}
                onChange={(e) => toggle(channel, e.currentTarget.checked)} />
              {s[channel]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{s.quiet}</legend>
          <label class="check">
            <input type="checkbox" checked={shown.quiet} onChange={(e) => change({ quiet: e.currentTarget.checked })} />
            {s.quietOn}
          </label>
          <div class="row times">
            <div>
              <Field id="me-quiet-start" label={s.quietStart} type="time" value={shown.start} disabled={!shown.quiet}
                onInput={(start) => change({ start })} />
            </div>
            <div>
              <Field id="me-quiet-end" label={s.quietEnd} type="time" value={shown.end} disabled={!shown.quiet}
                onInput={(end) => change({ end })} />
            </div>
          </div>
        </fieldset>
        {said && <Alert kind={said.kind}>{said.text}</Alert>}
        <button type="submit" disabled={busy || !record}>{s.save}</button>
        <Busy active={busy} label={ps.account.common.working} />
      </form>
    </section>
  );
}
