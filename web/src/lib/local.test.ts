import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { HmsDatabase } from "./db";
import { applyLocal, cacheLine, cacheServer, mergeChanges, offlineWrite, overridesOf, settle } from "./local";
import { enqueue, markAnswered } from "./ops";

const opened: HmsDatabase[] = [];
function fresh(): HmsDatabase {
  const database = new HmsDatabase(`test-${Math.random()}`);
  opened.push(database);
  return database;
}
afterEach(async () => { for (const d of opened.splice(0)) await d.delete(); });

const change = (id: string, version: number, fields: Record<string, unknown>, deleted = false) =>
  ({ entity: "ticket", id, version, deleted, fields });

describe("the local apply", () => {
  it("applies an operation at once, marked pending", async () => {
    const database = fresh();
    const op = await enqueue("ticket", "issue", "t1", { patient_id: "p1", doctor_id: "d1", urgency: 2 }, "x", database);
    const record = await applyLocal(op, { patient_name: "Amina" }, database);
    expect(record).toMatchObject({ pending: true, fields: { status: "waiting", urgency: 2, patient_name: "Amina" } });
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ pending: true });
  });

  it("knows what each action changes", () => {
    expect(overridesOf({ entity: "appointment", action: "cancel", fields: { reason: "ill" } })).toEqual({ status: "cancelled" });
    expect(overridesOf({ entity: "ticket", action: "miss", fields: {} })).toEqual({ status: "missed" });
    expect(overridesOf({ entity: "appointment", action: "reschedule", fields: { start: "S" } })).toEqual({ start: "S" });
  });

  it("undoes a rejected creation and restores a rejected change", async () => {
    const database = fresh();
    await cacheServer("ticket", "t1", { urgency: 3, status: "waiting", label: "A-001" }, database);
    const update = await offlineWrite("ticket", "update", "t1", { urgency: 1 }, "u", {}, database);
    const issue = await offlineWrite("ticket", "issue", "t2", { urgency: 4, doctor_id: "d1", patient_id: "p" }, "i", {}, database);
    await markAnswered(update, "rejected", { status: 409 }, database);
    await settle(update, "rejected", null, database);
    await markAnswered(issue, "rejected", { status: 404 }, database);
    await settle(issue, "rejected", null, database);
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ pending: false, fields: { urgency: 3 } });
    expect(await database.records.get(["ticket", "t2"])).toBeUndefined();
  });

  it("a rejected change restores what the server said meanwhile, not the old copy", async () => {
    const database = fresh();
    await mergeChanges([change("t1", 1, { status: "called", urgency: 3 })], database);
    const miss = await offlineWrite("ticket", "miss", "t1", {}, "m", {}, database);
    await mergeChanges([change("t1", 2, { status: "served" })], database); // pulled while it waits
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ pending: true, fields: { status: "missed" } });
    await markAnswered(miss, "rejected", { status: 409 }, database);
    await settle(miss, "rejected", null, database); // the operation as it was sent: its before is read again
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ pending: false, fields: { status: "served" } });
  });

  it("takes the winning value of a superseded operation", async () => {
    const database = fresh();
    await cacheServer("ticket", "t1", { urgency: 3 }, database);
    const op = await offlineWrite("ticket", "update", "t1", { urgency: 5 }, "u", {}, database);
    await markAnswered(op, "superseded", { current: { urgency: 2 } }, database);
    await settle(op, "superseded", { urgency: 2, status: "waiting" }, database);
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ pending: false, fields: { urgency: 2 } });
  });

  it("keeps an applied operation's values and stays pending while another waits", async () => {
    const database = fresh();
    const first = await offlineWrite("ticket", "update", "t1", { urgency: 2 }, "a", {}, database);
    await offlineWrite("ticket", "update", "t1", { doctor_id: "d2" }, "b", {}, database);
    await markAnswered(first, "applied", {}, database);
    await settle(first, "applied", null, database);
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ pending: true, fields: { urgency: 2, doctor_id: "d2" } });
  });
});

describe("the merge of pulled changes", () => {
  it("adds and updates records, keeping the highest version", async () => {
    const database = fresh();
    await mergeChanges([change("t1", 2, { urgency: 3, status: "waiting" })], database);
    await mergeChanges([change("t1", 1, { urgency: 5 })], database); // older: ignored
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ version: "2", fields: { urgency: 3 } });
    await mergeChanges([change("t1", 3, { status: "called" })], database);
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ fields: { urgency: 3, status: "called" } });
  });

  it("does not clobber what a pending operation changed, but takes the rest", async () => {
    const database = fresh();
    await mergeChanges([change("t1", 1, { urgency: 3, status: "waiting" })], database);
    await offlineWrite("ticket", "update", "t1", { urgency: 1 }, "u", {}, database);
    await mergeChanges([change("t1", 2, { urgency: 4, status: "called", label: "A-002" })], database);
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({
      pending: true, version: "2", fields: { urgency: 1, status: "called", label: "A-002" } });
  });

  it("removes a deleted record unless an operation still waits for it", async () => {
    const database = fresh();
    await mergeChanges([change("t1", 1, { urgency: 3 }), change("t2", 1, { urgency: 3 })], database);
    await offlineWrite("ticket", "update", "t2", { urgency: 2 }, "u", {}, database);
    await mergeChanges([change("t1", 2, {}, true), change("t2", 2, {}, true)], database);
    expect(await database.records.get(["ticket", "t1"])).toBeUndefined();
    expect(await database.records.get(["ticket", "t2"])).toMatchObject({ pending: true, fields: { urgency: 2 } });
  });

  it("an answer without a name keeps the name already known", async () => {
    const database = fresh();
    await cacheServer("appointment", "a1", { patient_name: "Grace", status: "booked" }, database);
    await cacheServer("appointment", "a1", { patient_name: null, status: "checked_in" }, database);
    expect(await database.records.get(["appointment", "a1"])).toMatchObject({ fields: { patient_name: "Grace", status: "checked_in" } });
  });

  it("closes a cached ticket that left the doctor's line", async () => {
    const database = fresh();
    await cacheLine("d1", [{ id: "t1", doctor_id: "d1", status: "waiting" } as { id: string }], true, database);
    await cacheLine("d1", [], false, database); // a page of it: nothing closed
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ fields: { status: "waiting" } });
    await cacheLine("d1", [], true, database);
    expect(await database.records.get(["ticket", "t1"])).toMatchObject({ fields: { status: "closed" } });
  });
});
