import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { HmsDatabase } from "./db";
import { offlineWrite } from "./local";
import { allOps, enqueue, pending } from "./ops";
import { SyncEngine } from "./sync";

const opened: HmsDatabase[] = [];
function fresh(): HmsDatabase {
  const database = new HmsDatabase(`test-${Math.random()}`);
  opened.push(database);
  return database;
}
afterEach(async () => { for (const d of opened.splice(0)) await d.delete(); });

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const empty = { changes: [], cursor: "c1", has_more: false };

function engine(database: HmsDatabase, handler: Handler, extra: Partial<ConstructorParameters<typeof SyncEngine>[0]> = {}) {
  const calls: { url: string; init: RequestInit; body?: { operations: { op_id: string; entity: string; action: string; fields: unknown }[] } }[] = [];
  const fetcher = (async (input: string, init: RequestInit) => {
    calls.push({ url: input, init, body: init.body ? JSON.parse(String(init.body)) : undefined });
    return handler(input, init);
  }) as unknown as typeof fetch;
  const sync = new SyncEngine({ database, fetcher, token: async () => "tok", refresh: async () => true,
    expired: () => false, followUpMs: 0, ...extra });
  return { sync, calls };
}

function answering(outcome: (op: { op_id: string; entity: string; action: string }) => Record<string, unknown>): Handler {
  return (url, init) => {
    if (url.startsWith("/api/sync/changes")) return json(200, empty);
    const { operations } = JSON.parse(String(init.body));
    return json(200, { results: operations.map((op: { op_id: string; entity: string; action: string }) =>
      ({ op_id: op.op_id, entity: op.entity, ...outcome(op) })) });
  };
}

describe("the push", () => {
  it("sends pending operations in order with their op_id and the bearer token, and keeps each result", async () => {
    const database = fresh();
    await offlineWrite("patient", "register", "p1", { full_name: "Amina", phone_number: "+254700000001" }, "reg", {}, database);
    await offlineWrite("ticket", "issue", "t1", { patient_id: "p1", doctor_id: "d1", urgency: 3 }, "issue", {}, database);
    await offlineWrite("ticket", "update", "t0", { urgency: 1 }, "urgency", {}, database);
    const { sync, calls } = engine(database, answering((op) => op.action === "update"
      ? { outcome: "rejected", problem: { status: 409, detail: "The ticket was served." } }
      : { outcome: "applied" }));
    await sync.run();
    const push = calls[0]!;
    expect(push.url).toBe("/api/sync");
    expect((push.init.headers as Record<string, string>).authorization).toBe("Bearer tok");
    expect(push.body!.operations.map((o) => o.action)).toEqual(["register", "issue", "update"]);
    const ops = await allOps(database);
    expect(ops.map((o) => o.state)).toEqual(["applied", "applied", "rejected"]);
    expect(ops[2]!.result?.error).toMatchObject({ detail: "The ticket was served." });
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ pending: false });
    expect(calls[1]!.url).toMatch(/^\/api\/sync\/changes/);
  });

  it("a superseded operation shows the value that won", async () => {
    const database = fresh();
    await offlineWrite("ticket", "update", "t1", { urgency: 5 }, "u", {}, database);
    const { sync } = engine(database, answering(() => ({ outcome: "superseded", current: { urgency: 2 } })));
    await sync.run();
    const [op] = await allOps(database);
    expect(op).toMatchObject({ state: "superseded", result: { current: { urgency: 2 } } });
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ fields: { urgency: 2 }, pending: false });
  });

  it("keeps everything pending when the network is down", async () => {
    const database = fresh();
    await enqueue("ticket", "miss", "t1", {}, "m", database);
    const { sync } = engine(database, () => { throw new TypeError("Failed to fetch"); });
    await sync.run();
    expect(sync.failure.value).toBe("unreachable");
    expect((await pending(database)).map((o) => o.state)).toEqual(["pending"]);
  });

  it("an operation the owner could not take (503) waits for the next push", async () => {
    const database = fresh();
    await enqueue("ticket", "miss", "t1", {}, "m", database);
    const { sync } = engine(database, answering(() => ({ outcome: "rejected", problem: { status: 503 } })));
    await sync.run();
    expect((await pending(database))[0]).toMatchObject({ state: "pending", result: { status: 503 } });
  });

  it("stops on an expired session and keeps everything pending", async () => {
    const database = fresh();
    await enqueue("ticket", "miss", "t1", {}, "m", database);
    const { sync, calls } = engine(database, () => json(401, { detail: "expired" }),
      { refresh: async () => false, expired: () => true });
    await sync.run();
    expect(sync.stopped.value).toBe(true);
    expect(sync.failure.value).toBe("expired");
    expect(calls).toHaveLength(1);
    expect((await pending(database)).map((o) => o.state)).toEqual(["pending"]);
  });

  it("never pushes twice at once", async () => {
    const database = fresh();
    await enqueue("ticket", "miss", "t1", {}, "m", database);
    const { sync, calls } = engine(database, answering(() => ({ outcome: "applied" })));
    await Promise.all([sync.run(), sync.run(), sync.run()]);
    expect(calls.filter((c) => c.url === "/api/sync")).toHaveLength(1);
    await sync.run(); // nothing left to send
    expect(calls.filter((c) => c.url === "/api/sync")).toHaveLength(1);
  });

  it("sends at most 500 operations per batch", async () => {
    const database = fresh();
    await database.ops.bulkAdd(Array.from({ length: 501 }, (_, i) => ({ op_id: `op-${i}`, entity: "ticket",
      action: "miss", id: `t${i}`, fields: {}, client_updated_at: new Date().toISOString(), state: "pending" as const })));
    const { sync, calls } = engine(database, answering(() => ({ outcome: "duplicate" })));
    await sync.run();
    expect(calls.filter((c) => c.url === "/api/sync").map((c) => c.body!.operations.length)).toEqual([500, 1]);
    expect(await pending(database)).toHaveLength(0);
  });
});

describe("the pull", () => {
  it("pages with the stored cursor and starts over when it expired (410)", async () => {
    const database = fresh();
    await database.meta.put({ key: "sync.cursor", value: "old" });
    const pages: Record<string, unknown> = {
      old: null,
      none: { changes: [{ entity: "ticket", id: "t1", version: 1, deleted: false, fields: { urgency: 3 } }], cursor: "c1", has_more: true },
      c1: { changes: [{ entity: "ticket", id: "t2", version: 1, deleted: false, fields: { urgency: 4 } }], cursor: "c2", has_more: false },
    };
    const { sync, calls } = engine(database, (url) => {
      const cursor = new URL(url, "http://x").searchParams.get("cursor") ?? "none";
      return pages[cursor] ? json(200, pages[cursor]) : json(410, { detail: "gone" });
    });
    expect(await sync.pull()).toBe(2);
    expect(calls.map((c) => new URL(c.url, "http://x").searchParams.get("cursor"))).toEqual(["old", null, "c1"]);
    expect((await database.meta.get("sync.cursor"))?.value).toBe("c2");
    expect(await database.records.count()).toBe(2);
  });
});
