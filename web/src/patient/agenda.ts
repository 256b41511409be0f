// The patient's visits as the phone knows them: the local view's appointment records (the
// server's answers and the sync pull, with this phone's waiting operations already applied on
// top), named with the doctors' list, split into upcoming (soonest first) and past (latest
// first). Each carries what this phone still has to send for it.
import type { LocalRecord, Operation } from "../lib/db";
import { overridesOf } from "../lib/local";

export interface DoctorInfo {
  id: string;
  full_name: string;
  department: string | null;
  room: string | null;
}

export interface VisitView {
  id: string;
  start: string;
  end: string | null;
  status: string;
  doctorId: string;
  doctorName: string | null;
  department: string | null;
  room: string | null;
  reason: string | null;
  diagnosis: string | null;
  treatment: string | null;
  /** changed here by an operation the clinic has not answered yet */
  pending: boolean;
}

const ACTIVE = new Set(["booked", "checked_in"]);
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

/** A server answer or a pulled record's fields with the waiting operations on top. */
export function overlay(fields: Record<string, unknown>, ops: Operation[], id: string,
                        entity = "appointment"): Record<string, unknown> {
  const mine = ops.filter((op) => op.entity === entity && op.id === id
    && (op.state === "pending" || op.state === "sending"));
  return mine.reduce<Record<string, unknown>>((all, op) => ({ ...all, ...overridesOf(op) }), { ...fields });
}

export function visitOf(record: Pick<LocalRecord, "id" | "fields" | "pending">,
                        doctors: Map<string, DoctorInfo>): VisitView | null {
  const f = record.fields;
  const start = str(f.start);
  const doctorId = str(f.doctor_id);
  if (!start || !doctorId) return null;
  const doctor = doctors.get(doctorId);
  return {
    id: record.id, start, end: str(f.end), status: str(f.status) ?? "booked", doctorId,
    doctorName: doctor?.full_name ?? str(f.doctor_name), department: doctor?.department ?? null,
    room: doctor?.room ?? null, reason: str(f.reason), diagnosis: str(f.diagnosis),
    treatment: str(f.treatment), pending: Boolean(record.pending),
  };
}

/** Upcoming: booked or checked in and not over yet, soonest first; past: the rest, latest first. */
export function agenda(records: Pick<LocalRecord, "id" | "fields" | "pending">[],
                       doctors: Map<string, DoctorInfo>, me: string | null,
                       now: Date = new Date()): { upcoming: VisitView[]; past: VisitView[] } {
  const upcoming: VisitView[] = [];
  const past: VisitView[] = [];
  for (const record of records) {
    const owner = str(record.fields.patient_id);
    if (me && owner && owner !== me) continue;
    const visit = visitOf(record, doctors);
    if (!visit) continue;
    const ends = new Date(visit.end ?? visit.start).getTime();
    (ACTIVE.has(visit.status) && ends >= now.getTime() ? upcoming : past).push(visit);
  }
  upcoming.sort((a, b) => a.start.localeCompare(b.start));
  past.sort((a, b) => b.start.localeCompare(a.start));
  return { upcoming, past };
}

/** Whether the patient may still move or cancel it: booked, and its time has not come. */
export function changeable(visit: VisitView, now: Date = new Date()): boolean {
  return visit.status === "booked" && new Date(visit.start).getTime() > now.getTime();
}

/** The doctors by department (named ones first, alphabetically), each sorted by name. */
export function byDepartment(doctors: DoctorInfo[], other: string): [string, DoctorInfo[]][] {
  const groups = new Map<string, DoctorInfo[]>();
  for (const d of doctors) {
    const key = d.department ?? other;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === other ? 1 : b === other ? -1 : a.localeCompare(b)))
    .map(([k, list]) => [k, list.sort((x, y) => x.full_name.localeCompare(y.full_name))]);
}

/** The latest operation kept for a record (waiting or answered), for its "sent / refused" line. */
export function latestOp<T extends Operation>(ops: T[], entity: string, id: string): T | null {
  const mine = ops.filter((op) => op.entity === entity && op.id === id);
  return mine.length ? mine.reduce((a, b) => ((b.seq ?? 0) > (a.seq ?? 0) ? b : a)) : null;
}
