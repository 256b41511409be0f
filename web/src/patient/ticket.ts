// The patient's ticket as the phone knows it (tickets/mine answers and the sync pull, in the
// local view): the one to show, and what to say about it.
import type { LocalRecord } from "../lib/db";

export type TurnState = "waiting" | "called" | "served" | "missed" | "left" | "none";

export interface TicketView {
  id: string;
  label: string;
  number: number | null;
  doctorId: string;
  position: number | null;
  peopleAhead: number | null;
  etaMinutes: number | null;
  room: string | null;
  state: TurnState;
  at: string;
  /** the clinic day it belongs to (YYYY-MM-DD) */
  day: string;
}

const STATES: Record<string, TurnState> = {
  waiting: "waiting", called: "called", served: "served", missed: "missed", left: "left",
  cancelled: "left", closed: "served",
};

const n = (v: unknown): number | null => (typeof v === "number" ? v : null);
const s = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

export function ticketOf(record: Pick<LocalRecord, "id" | "fields">): TicketView | null {
  const f = record.fields;
  const doctorId = s(f.doctor_id);
  if (!doctorId) return null;
  const number = n(f.number);
  const position = n(f.position);
  return {
    id: record.id, label: s(f.label) ?? (number === null ? "" : String(number)), number, doctorId,
    position, peopleAhead: n(f.people_ahead) ?? (position === null ? null : Math.max(0, position - 1)),
    etaMinutes: n(f.eta_minutes), room: s(f.room), state: STATES[s(f.status) ?? ""] ?? "waiting",
    at: s(f.called_at) ?? s(f.arrived_at) ?? "",
    day: s(f.clinic_day) ?? (s(f.arrived_at) ?? "").slice(0, 10),
  };
}

/** The ticket to show: an active one (called before waiting), else today's latest closed one. */
export function currentTicket(records: Pick<LocalRecord, "id" | "fields">[], me: string | null,
                              today: string): TicketView | null {
  const mine = records.filter((r) => !me || !s(r.fields.patient_id) || r.fields.patient_id === me)
    .map(ticketOf).filter((x): x is TicketView => x !== null);
  const rank = (t: TicketView) => (t.state === "called" ? 0 : 1);
  const active = mine.filter((t) => t.state === "waiting" || t.state === "called")
    .sort((a, b) => rank(a) - rank(b) || b.at.localeCompare(a.at));
  if (active.length) return active[0]!;
  const closed = mine.filter((t) => t.day === today)
    .sort((a, b) => b.at.localeCompare(a.at));
  return closed[0] ?? null;
}

/** The room to name when called: the ticket's own, else the line's, else the doctor's. */
export function roomOf(ticket: TicketView, lineRoom: string | null, doctorRoom: string | null): string | null {
  return ticket.room ?? lineRoom ?? doctorRoom;
}
