// My details (name, email, phone): saved at once online; offline (or no answer) kept as an
// operation, shown as waiting to be sent, and sent by the shell's sync later.
import { useState } from "preact/hooks";
import type { LocalRecord } from "../../lib/db";
import { Alert, Busy } from "../../ui/feedback";
import { ps, t } from "../i18n";
import { Field } from "./Field";
import { saveProfile } from "./me-data";
import { changedFields, fieldOf, takenField, type Profile } from "./rules";

const s = ps.account.profile;
const c = ps.account.common;

function known(record: LocalRecord | undefined): Profile {
  const f = record?.fields ?? {};
  return { full_name: String(f.full_name ?? ""), email: (f.email as string | null | undefined) ?? null,
    phone_number: (f.phone_number as string | null | undefined) ?? null };
}

export function ProfileCard({ userId, record }: { userId: string; record: LocalRecord | undefined }) {
  const before = known(record);
  const [draft, setDraft] = useState<Profile | null>(null);
  const [said, setSaid] = useState<{ text: string; kind: "ok" | "error" | "info"; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = draft ?? before;
  const edit = (field: keyof Profile) => (value: string) => { setDraft({ ...shown, [field]: value }); setSaid(null); };

  async function submit(event: Event) {
    event.preventDefault();
    const changes = changedFields(before, shown);
    const names = Object.keys(changes);
    if (!names.length) { setSaid({ text: s.unchanged, kind: "info" }); return; }
    setBusy(true);
    const label = t(ps.account.changes.profile, { fields: names.map((n) => n.replace("_", " ")).join(", ") });
    const result = await saveProfile(userId, changes, label);
    setBusy(false);
    if (result.kind === "refused") {
      const problem = result.problem as { detail?: unknown } | null;
      setSaid({ text: result.text, kind: "error",
        field: result.status === 409 ? takenField(problem?.detail) : fieldOf(problem) ?? undefined });
      return;
    }
    setDraft(null);
    setSaid(result.kind === "saved" ? { text: s.saved, kind: "ok" } : { text: s.queued, kind: "info" });
  }

  return (
    <section class="card" aria-labelledby="me-profile">
      <h2 id="me-profile">
        {s.heading} {record?.pending && <span class="badge pending">{s.pending}</span>}
      </h2>
      <form class="stack" onSubmit={submit}>
        <Field id="me-name" label={c.fullName} value={shown.full_name} onInput={edit("full_name")} required
          autocomplete="name" />
        <Field id="me-email" label={c.email} type="email" value={shown.email ?? ""} onInput={edit("email")}
          autocomplete="email" invalid={said?.field === "email"} />
        <Field id="me-phone" label={c.phone} hint={c.phoneHint} type="tel" inputMode="tel"
          value={shown.phone_number ?? ""} onInput={edit("phone_number")} autocomplete="tel"
          invalid={said?.field === "phone_number"} />
        {said && <Alert kind={said.kind}>{said.text}</Alert>}
        <button type="submit" disabled={busy || !record}>{s.save}</button>
        <Busy active={busy} label={c.working} />
      </form>
    </section>
  );
}
