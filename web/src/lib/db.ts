// The app's own storage: IndexedDB through Dexie. Nothing here is in localStorage or a cookie.
//  - session: the refresh token (only so that a reload while offline keeps the desk signed in)
//  - ops: the desk's operations waiting for /api/sync, in the order they were made
//  - records: the local view (pulled changes and operations applied locally), by entity and id
//  - meta: small values (the sync cursor)
import Dexie, { type EntityTable } from "dexie";

export interface StoredSession {
  key: "current";
  refresh_token: string;
  user_id: string;
  role: Role;
  username: string;
}

export type Role = "admin" | "receptionist" | "doctor" | "patient";

export type OpState = "pending" | "sending" | "applied" | "duplicate" | "superseded" | "rejected";

export interface Operation {
  seq?: number;
  op_id: string;
  entity: string;
  action: string;
  id: string;
  fields: Record<string, unknown>;
  client_updated_at: string;
  state: OpState;
  // what the server answered: the value that won (superseded) or the reason (rejected)
  result?: { current?: Record<string, unknown> | null; error?: unknown; status?: number };
  label?: string; // what the desk shows for it ("Walk-in: Amina Njeri")
}

export interface LocalRecord {
  entity: string;
  id: string;
  fields: Record<string, unknown>;
  version?: string | null;
  deleted?: boolean;
  pending?: boolean; // changed locally by an operation the server has not answered yet
}

export interface Meta {
  key: string;
  value: unknown;
}

export class HmsDatabase extends Dexie {
  session!: EntityTable<StoredSession, "key">;
  ops!: EntityTable<Operation, "seq">;
  records!: Dexie.Table<LocalRecord, [string, string]>;
  meta!: EntityTable<Meta, "key">;

  constructor(name = "hms") {
    super(name);
    this.version(1).stores({
      session: "key",
      ops: "++seq, &op_id, state",
      records: "[entity+id], entity",
      meta: "key",
    });
  }
}

// The staff app and the patient app (built with base /patient/) share an origin, so each keeps its
// own database: a patient's phone never holds a desk's operations, nor the other way round.
export const DB_NAME = import.meta.env.BASE_URL === "/patient/" ? "hms-patient" : "hms";
export const db = new HmsDatabase(DB_NAME);

/** Sign-out: everything local goes. */
export async function clearAll(database: HmsDatabase = db): Promise<void> {
  await database.transaction("rw", [database.session, database.ops, database.records, database.meta],
    async () => {
      await Promise.all([database.session.clear(), database.ops.clear(), database.records.clear(),
        database.meta.clear()]);
    });
}
