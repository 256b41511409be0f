// Phone notifications on this phone: the state in words (anything but "on" says SMS is used
// instead) and the button that turns them on (the permission is asked only when pressed).
import { useEffect, useState } from "preact/hooks";
import { Busy } from "../../ui/feedback";
import { askForPush, pushState, pushWords, type PushState } from "../push";
import { ps } from "../i18n";
import { canTurnOn } from "./push-rules";

const s = ps.account.push;

export function PushCard({ devices, onChange }: { devices: string[] | undefined; onChange: () => void }) {
  const [state, setState] = useState<PushState | null>(null);
  const [words, setWords] = useState("");
  const [busy, setBusy] = useState(false);
  const key = (devices ?? []).join("\n");

  async function show(next: PushState) {
    setWords(await pushWords(next));
    setState(next);
  }

  useEffect(() => {
    void pushState(devices).then(show).catch(() => undefined);
  }, [key]);

  async function turnOn() {
    setBusy(true);
    const next = await askForPush().catch(() => "failed" as const);
    await show(next);
    setBusy(false);
    onChange();
  }

  return (
    <section class="card" aria-labelledby="me-push">
      <h2 id="me-push">{s.heading}</h2>
      <p role="status" aria-live="polite" class={state === "on" ? "push-on" : "push-off"}>{words}</p>
      {state && canTurnOn(state) && (
        <button type="button" onClick={() => void turnOn()} disabled={busy}>{s.turnOn}</button>
      )}
      <Busy active={busy} label={s.working} />
    </section>
  );
}
