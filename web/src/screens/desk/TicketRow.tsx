// One ticket in the desk's line: its number (or "New" while pending), patient, urgency,
// estimated wait and status; change its urgency, transfer it, mark it missed (when called).
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { write } from "./actions";
import { Dialog } from "./Dialog";
import type { Doctor } from "./Desk";
import { doctorName } from "./Desk";

const s = strings.desk;

export interface Ticket {
  id: string;
  pending: boolean;
  name: string | null;
  fields: Record<string, unknown>;
}

type Say = (text: string, kind?: "ok" | "error") => void;

export function statusWord(status: unknown): string {
  return (s.status as Record<string, string>)[String(status)] ?? String(status ?? "");
}

export function TicketRow({ ticket, doctorId, doctors, say }: {
  ticket: Ticket; doctorId: string; doctors: Doctor[]; say: Say;
}) {
  const [open, setOpen] = useState<"urgency" | "transfer" | null>(null);
  const f = ticket.fields;
  const label = String(f.label ?? s.newTicket);
  const [urgency, setUrgency] = useState(String(f.urgency ?? 3));
  const others = doctors.filter((d) => d.id !== doctorId && d.active);
  const [target, setTarget] = useState(others[0]?.id ?? "");
  const [busy, setBusy] = useState(false);

  async function patch(fields: { urgency?: number; doctor_id?: string }, what: string, ok: string) {
    setBusy(true);
    const done = await write({ entity: "ticket", action: "update", id: ticket.id, fields, label: what,
      online: () => api.queue.PATCH("/api/queue/tickets/{ticket_id}", { params: { path: { ticket_id: ticket.id } }, body: fields }) });
    setBusy(false);
    if (!done.ok) { say(done.message, "error"); return; }
    setOpen(null);
    say(done.queued ? t(s.queuedDone, { what }) : ok);
  }

  async function missed() {
    const what = t(s.labels.miss, { label });
    const done = await write({ entity: "ticket", action: "miss", id: ticket.id, fields: {}, label: what,
      online: () => api.queue.POST("/api/queue/tickets/{ticket_id}/no-show", { params: { path: { ticket_id: ticket.id } } }) });
    if (!done.ok) say(done.message, "error");
    else say(done.queued ? t(s.queuedDone, { what }) : t(s.missedDone, { label }));
  }

  const level = Number(urgency);
  const to = doctorName(doctors, target);
  return (
    <tr class={ticket.pending ? "pending" : undefined}>
      <td><strong>{label}</strong>{ticket.pending && <span class="badge pending"> {s.pending}</span>}</td>
      <td>{ticket.name ?? s.unknownPatient}</td>
      <td>{String(f.urgency ?? "")}</td>
      <td>{f.eta_minutes != null ? t(s.waitMinutes, { minutes: String(f.eta_minutes) }) : ""}</td>
      <td>{statusWord(f.status)}</td>
      <td>
        <button type="button" class="secondary" onClick={() => setOpen("urgency")}>{s.changeUrgency}</button>{" "}
        <button type="button" class="secondary" onClick={() => setOpen("transfer")}>{s.transfer}</button>{" "}
        {f.status === "called" && <button type="button" class="secondary" onClick={() => void missed()}>{s.markMissed}</button>}
        {open === "urgency" && (
          <Dialog title={t(s.urgencyHeading, { label })} onClose={() => setOpen(null)}>
            <form onSubmit={(e) => { e.preventDefault(); void patch({ urgency: level },
              t(s.labels.urgency, { urgency: level, label }), t(s.urgencyChanged, { label, urgency: level })); }}>
              <label for={`urg-${ticket.id}`}>{s.urgency}</label>
              <select id={`urg-${ticket.id}`} value={urgency} onChange={(e) => setUrgency(e.currentTarget.value)}>
                {s.urgencyLevels.map((text, i) => <option key={i} value={String(i + 1)}>{text}</option>)}
              </select>
              <p><button type="submit" disabled={busy}>{s.saveUrgency}</button></p>
            </form>
          </Dialog>
        )}
        {open === "transfer" && (
          <Dialog title={t(s.transferHeading, { label })} onClose={() => setOpen(null)}>
            <form onSubmit={(e) => { e.preventDefault(); if (target) void patch({ doctor_id: target },
              t(s.labels.transfer, { label, doctor: to }), t(s.transferred, { label, doctor: to })); }}>
              <label for={`to-${ticket.id}`}>{s.transferTo}</label>
              <select id={`to-${ticket.id}`} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
                {others.map((d) => <option key={d.id} value={d.id}>{d.full_name}</option>)}
              </select>
              <p><button type="submit" disabled={busy || !target}>{s.confirmTransfer}</button></p>
            </form>
          </Dialog>
        )}
      </td>
    </tr>
  );
}
