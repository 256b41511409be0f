import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { HmsDatabase } from "./db";
import { allOps, dismissAnswered, enqueue, markAnswered, markPending, markSending, pending, waitingCount } from "./ops";

const opened: HmsDatabase[] = [];
function fresh(name = `test-${Math.random()}`): HmsDatabase {
  const database = new HmsDatabase(name);
  opened.push(database);
  return database;
}
afterEach(async () => { for (const d of opened.splice(0)) { d.close(); await d.delete(); } });

describe("the pending-operation queue", () => {
  it("gives each operation its own op_id and the time it was made, pending", async () => {
    const database = fresh();
    const before = Date.now();
    const op = await enqueue("ticket", "update", "t1", { urgency: 2 }, "Urgency 2", database);
    expect(op.op_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(op.client_updated_at)).toBeGreaterThanOrEqual(before - 1);
    expect(op.client_updated_at).toMatch(/Z$/);
    expect(op.state).toBe("pending");
    const other = await enqueue("ticket", "update", "t1", { urgency: 1 }, "Urgency 1", database);
    expect(other.op_id).not.toBe(op.op_id);
  });

  it("lists waiting operations in the order they were made", async () => {
    const database = fresh();
    for (const n of [1, 2, 3]) await enqueue("ticket", "update", `t${n}`, { urgency: n }, `op ${n}`, database);
    expect((await pending(database)).map((o) => o.label)).toEqual(["op 1", "op 2", "op 3"]);
    expect(await waitingCount(database)).toBe(3);
  });

  it("removes nothing until answered, and then only when dismissed", async () => {
    const database = fresh();
    const a = await enqueue("patient", "register", "p1", { full_name: "A", phone_number: "1" }, "a", database);
    const b = await enqueue("ticket", "issue", "t1", { patient_id: "p1" }, "b", database);
    await markSending([a, b], database);
    expect(await waitingCount(database)).toBe(2); // sending still waits
    await markPending([b], database);
    await markAnswered(a, "applied", {}, database);
    expect(await dismissAnswered(database)).toBe(1);
    const left = await allOps(database);
    expect(left.map((o) => [o.label, o.state])).toEqual([["b", "pending"]]);
  });

  it("keeps the rejected with their reason until dismissed", async () => {
    const database = fresh();
    const a = await enqueue("ticket", "update", "t1", { urgency: 2 }, "a", database);
    await markAnswered(a, "rejected", { error: { detail: "already served" }, status: 409 }, database);
    const [kept] = await allOps(database);
    expect(kept?.state).toBe("rejected");
    expect(kept?.result?.error).toEqual({ detail: "already served" });
    expect(await waitingCount(database)).toBe(0);
  });

  it("survives a reload: the same database opened again has them", async () => {
    const name = `test-${Math.random()}`;
    const first = fresh(name);
    await enqueue("ticket", "miss", "t1", {}, "miss", first);
    first.close();
    const again = fresh(name);
    expect((await pending(again)).map((o) => o.label)).toEqual(["miss"]);
  });
});
