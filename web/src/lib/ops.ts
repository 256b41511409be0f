// The desk's pending operations, kept in IndexedDB (db.ops) in the order they were made. An
// operation is never removed until the server has answered for it: it goes pending -> sending
// -> applied | duplicate | superseded | rejected, and an answered one stays listed (with its
// result) until the desk dismisses it. A reload, even offline, keeps them all.
import { db as shared, type HmsDatabase, type LocalRecord, type Operation, type OpState } from "./db";

/** An operation as the desk keeps it: with what the record looked like before it (to undo). */
export interface DeskOperation extends Operation {
  before?: LocalRecord | null;
}

export const WAITING: OpState[] = ["pending", "sending"];
export const ANSWERED: OpState[] = ["applied", "duplicate", "superseded", "rejected"];

function uuid(): string {
  return globalThis.crypto.randomUUID();
}

/** A new operation, stored at once as `pending`, with its own op_id and the time it was made. */
export async function enqueue(entity: string, action: string, id: string,
                              fields: Record<string, unknown>, label: string,
                              database: HmsDatabase = shared,
                              before?: LocalRecord | null): Promise<DeskOperation> {
  const op: DeskOperation = {
    op_id: uuid(), entity, action, id, fields, label, before: before ?? null,
    client_updated_at: new Date().toISOString(), state: "pending",
  };
  op.seq = await database.ops.add(op);
  return op;
}

/** The operations still waiting for the server (pending or being sent), oldest first. */
export async function pending(database: HmsDatabase = shared): Promise<DeskOperation[]> {
  const rows = await database.ops.where("state").anyOf(WAITING).toArray();
  return rows.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/** Every operation kept (waiting and answered), oldest first. */
export async function allOps(database: HmsDatabase = shared): Promise<DeskOperation[]> {
  return database.ops.orderBy("seq").toArray();
}

export async function waitingCount(database: HmsDatabase = shared): Promise<number> {
  return database.ops.where("state").anyOf(WAITING).count();
}

/** Marks operations as being sent (so no second push takes them). */
export async function markSending(ops: Operation[], database: HmsDatabase = shared): Promise<void> {
  await database.ops.bulkUpdate(ops.map((op) => ({ key: op.seq!, changes: { state: "sending" as const } })));
}

/** Back to pending: the push did not reach the server, or the server said to send it again. */
export async function markPending(ops: Operation[], database: HmsDatabase = shared,
                                  result?: Operation["result"]): Promise<void> {
  await database.ops.bulkUpdate(ops.map((op) => ({
    key: op.seq!, changes: result ? { state: "pending" as const, result } : { state: "pending" as const },
  })));
}

/** The server's answer for one operation. */
export async function markAnswered(op: Operation, state: OpState, result: Operation["result"],
                                   database: HmsDatabase = shared): Promise<void> {
  await database.ops.update(op.seq!, { state, result });
}

/** Forgets the answered operations (the desk has seen their results). Waiting ones stay. */
export async function dismissAnswered(database: HmsDatabase = shared): Promise<number> {
  return database.ops.where("state").anyOf(ANSWERED).delete();
}

/** Whether an operation still waits that touches this record. */
export async function touches(entity: string, id: string, database: HmsDatabase = shared): Promise<Operation[]> {
  return database.ops.where("state").anyOf(WAITING)
    .filter((op) => op.entity === entity && op.id === id).toArray();
}
