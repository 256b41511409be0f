import { describe, expect, it } from "vitest";
import { IdempotencyKeeper, type KeyStore } from "./keeper";

function memory(): KeyStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: async (k) => data.get(k), put: async (k, v) => { data.set(k, v); },
    delete: async (k) => { data.delete(k); } };
}

function counter(): () => string {
  let n = 0;
  return () => `key-${++n}`;
}

describe("the Idempotency-Key keeper", () => {
  it("gives the same key to the same request until it is answered", async () => {
    const keeper = new IdempotencyKeeper(memory(), "book", counter());
    const body = { doctor_id: "d", start: "s" };
    const first = await keeper.keyFor(body);
    expect(await keeper.keyFor({ ...body })).toBe(first); // a retry after the network dropped
    await keeper.done();
    expect(await keeper.keyFor(body)).not.toBe(first); // answered: the next attempt is new
  });

  it("gives a different request a new key", async () => {
    const keeper = new IdempotencyKeeper(memory(), "book", counter());
    const a = await keeper.keyFor({ start: "a" });
    expect(await keeper.keyFor({ start: "b" })).not.toBe(a);
  });

  it("keeps the key in the store, so a reload retries with it", async () => {
    const store = memory();
    const key = await new IdempotencyKeeper(store, "book", counter()).keyFor({ start: "a" });
    const reloaded = new IdempotencyKeeper(store, "book", () => "other");
    expect(await reloaded.keyFor({ start: "a" })).toBe(key);
    await reloaded.done();
    expect(store.data.has("book")).toBe(false);
  });

  it("makes UUIDs by default", async () => {
    const key = await new IdempotencyKeeper(memory(), "x").keyFor({});
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
  });
});
