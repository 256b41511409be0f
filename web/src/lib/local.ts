// The desk's local view (db.records): what the server last told us, with the desk's own
// operations applied at once on top (marked pending). Pulled changes merge in without
// clobbering what a waiting operation changed; the server's answer to an operation settles it
// (applied: kept; superseded: the winning value; rejected: undone).
import { db as shared, type HmsDatabase, type LocalRecord, type Operation } from "./db";
import { enqueue, touches, WAITING, type DeskOperation } from "./ops";

export interface Change {
  entity: string;
  id: string;
  version: number;
  deleted: boolean;
  fields: Record<string, unknown>;
}

/** Operations that make a record (undoing them removes it). */
const CREATES = new Set(["patient.register", "ticket.issue", "appointment.book"]);

const STATUS: Record<string, string> = {
  "ticket.issue": "waiting", "ticket.serve": "served", "ticket.miss": "missed", "ticket.leave": "left",
  "appointment.book": "booked", "appointment.check_in": "checked_in", "appointment.cancel": "cancelled",
};

/** What an operation changes in its record's fields. */
export function overridesOf(op: Pick<Operation, "entity" | "action" | "fields">): Record<string, unknown> {
  const key = `${op.entity}.${op.action}`;
  const fields: Record<string, unknown> = { ...op.fields };
  if (key === "appointment.cancel") delete fields.reason;
  const status = STATUS[key];
  return status ? { ...fields, status } : fields;
}

function combined(ops: Operation[]): Record<string, unknown> {
  return ops.reduce<Record<string, unknown>>((all, op) => ({ ...all, ...overridesOf(op) }), {});
}

/** Server values that arrive while operations wait go under them, and into what a rejected
 *  one restores (its `before`), so that undoing it shows the server's latest, not an old copy. */
async function rebase(still: Operation[], fields: Record<string, unknown>, database: HmsDatabase): Promise<void> {
  for (const op of still as DeskOperation[]) {
    if (!op.before || op.seq === undefined) continue;
    const before = { ...op.before, fields: { ...op.before.fields, ...fields } };
    await database.ops.update(op.seq, { before } as Partial<Operation>);
  }
}

/** Applies an operation to the local view at once: the record is marked pending. `extra`:
 *  what the desk shows but does not send (a patient's name on a ticket, a label). */
export async function applyLocal(op: Operation, extra: Record<string, unknown> = {},
                                 database: HmsDatabase = shared): Promise<LocalRecord> {
  const existing = await database.records.get([op.entity, op.id]);
  const record: LocalRecord = {
    entity: op.entity, id: op.id, version: existing?.version ?? null,
    fields: { ...(existing?.fields ?? {}), ...extra, ...overridesOf(op) }, pending: true,
  };
  await database.records.put(record);
  return record;
}

/** A desk write made offline: stored as an operation (with the record as it was, to undo it)
 *  and applied to the local view at once. */
export async function offlineWrite(entity: string, action: string, id: string,
                                   fields: Record<string, unknown>, label: string,
                                   extra: Record<string, unknown> = {},
                                   database: HmsDatabase = shared): Promise<DeskOperation> {
  const before = (await database.records.get([entity, id])) ?? null;
  const op = await enqueue(entity, action, id, fields, label, database, before);
  await applyLocal(op, extra, database);
  return op;
}

/** After the server answered `op` (its state already saved): the record as it now stands. */
export async function settle(op: DeskOperation, outcome: string,
                             current: Record<string, unknown> | null | undefined,
                             database: HmsDatabase = shared): Promise<void> {
  await settleAll([{ op, outcome, current }], database);
}

export interface Answered {
  op: DeskOperation;
  outcome: string;
  current?: Record<string, unknown> | null;
}

/** Many answers at once (a push's batch), in one transaction: each record as it now stands,
 *  under the operations that still wait for it. */
export async function settleAll(answers: Answered[], database: HmsDatabase = shared): Promise<void> {
  if (!answers.length) return;
  await database.transaction("rw", [database.records, database.ops], async () => {
    const waiting = new Map<string, Operation[]>();
    for (const op of await database.ops.where("state").anyOf(WAITING).toArray()) {
      const key = `${op.entity}|${op.id}`;
      waiting.set(key, [...(waiting.get(key) ?? []), op]);
    }
    for (const { op, outcome, current } of answers) {
      const still = waiting.get(`${op.entity}|${op.id}`) ?? [];
      const stored = op.seq === undefined ? undefined : (await database.ops.get(op.seq)) as DeskOperation | undefined;
      await settleOne({ ...op, before: stored?.before ?? op.before }, outcome, current, still, database);
    }
  });
}

async function settleOne(op: DeskOperation, outcome: string, current: Record<string, unknown> | null | undefined,
                         still: Operation[], database: HmsDatabase): Promise<void> {
  const record = await database.records.get([op.entity, op.id]);
  if (outcome === "rejected") {
    const creates = CREATES.has(`${op.entity}.${op.action}`);
    const before = op.before;
    if (creates && !still.length) {
      await database.records.delete([op.entity, op.id]);
      return;
    }
    if (before && record) {
      await database.records.put({ ...record, fields: { ...before.fields, ...combined(still) },
        pending: still.length > 0 });
      return;
    }
  }
  if (!record) return;
  const fields = outcome === "superseded" && current
    ? { ...record.fields, ...current, ...combined(still) } : record.fields;
  await database.records.put({ ...record, fields, pending: still.length > 0 });
}

/** Pulled changes into the local view: the highest version of each record wins, but a field
 *  a waiting operation changed keeps the desk's value until the server answers for it. */
export async function mergeChanges(changes: Change[], database: HmsDatabase = shared): Promise<void> {
  if (!changes.length) return;
  await database.transaction("rw", [database.records, database.ops], async () => {
    for (const change of changes) {
      const key: [string, string] = [change.entity, change.id];
      const existing = await database.records.get(key);
      if (existing?.version != null && change.version < Number(existing.version)) continue;
      const still = await touches(change.entity, change.id, database);
      await rebase(still, change.fields, database);
      if (change.deleted && !still.length) {
        await database.records.delete(key);
        continue;
      }
      await database.records.put({
        entity: change.entity, id: change.id, version: String(change.version), deleted: change.deleted,
        fields: { ...(existing?.fields ?? {}), ...change.fields, ...combined(still) },
        pending: still.length > 0,
      });
    }
  });
}

/** What an online call answered (a ticket, an appointment, a patient) into the local view,
 *  under whatever waiting operations still change. */
export async function cacheServer(entity: string, id: string, fields: Record<string, unknown>,
                                  database: HmsDatabase = shared): Promise<void> {
  await database.transaction("rw", [database.records, database.ops], async () => {
    const existing = await database.records.get([entity, id]);
    const still = await touches(entity, id, database);
    // a name some answers leave out (null: "not known here") never hides one already known
    const known = Object.fromEntries(Object.entries(fields).filter(([k, v]) => v != null || !k.endsWith("_name")));
    await rebase(still, known, database);
    await database.records.put({ entity, id, version: existing?.version ?? null,
      fields: { ...(existing?.fields ?? {}), ...known, ...combined(still) }, pending: still.length > 0 });
  });
}

/** A doctor's line as the server just said it: its tickets cached; when it is the whole line
 *  (`complete`), a ticket we held as waiting or called that is no longer in it (served, missed,
 *  left, transferred) is closed, unless still pending. */
export async function cacheLine(doctorId: string, tickets: { id: string }[], complete = true,
                                database: HmsDatabase = shared): Promise<void> {
  for (const ticket of tickets) await cacheServer("ticket", ticket.id, { ...ticket }, database);
  if (!complete) return;
  const present = new Set(tickets.map((t) => t.id));
  const held = await database.records.where("entity").equals("ticket").toArray();
  for (const record of held) {
    const f = record.fields;
    if (f.doctor_id !== doctorId || record.pending || present.has(record.id)) continue;
    if (f.status === "waiting" || f.status === "called") {
      await database.records.put({ ...record, fields: { ...f, status: "closed" } });
    }
  }
}

/** The local records of one entity. */
export async function recordsOf(entity: string, database: HmsDatabase = shared): Promise<LocalRecord[]> {
  return database.records.where("entity").equals(entity).toArray();
}
