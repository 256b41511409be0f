import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import type { StoredSession } from "./db";
import { claims, refreshDelay, SessionManager, SignInError, type SessionStore } from "./session";

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${part({ alg: "EdDSA" })}.${part(payload)}.sig`;
}

const token = (sub = "u1", role = "receptionist") => jwt({ sub, role, exp: 2_000_000_000 });
const pair = (n: number) => ({ access_token: token(), refresh_token: `r${n}`, expires_in: 900 });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

function memoryStore(initial?: StoredSession) {
  let value = initial;
  const store: SessionStore & { value: () => StoredSession | undefined } = {
    load: async () => value,
    save: async (next) => { value = next; },
    clear: async () => { value = undefined; },
    value: () => value,
  };
  return store;
}

function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => { calls.push({ url, init }); return handler(url, init); }) as unknown as typeof fetch;
  return { fetcher, calls };
}

describe("token helpers", () => {
  it("refreshes a minute before expiry, or at 80% of a short life, never under 5 s", () => {
    expect(refreshDelay(900)).toBe(840_000);
    expect(refreshDelay(100)).toBe(80_000);
    expect(refreshDelay(3)).toBe(5_000);
  });

  it("reads a token's claims (base64url)", () => {
    expect(claims(jwt({ sub: "??>>", role: "admin", exp: 5 }))).toMatchObject({ sub: "??>>", role: "admin", exp: 5 });
    expect(claims(token("abc", "doctor"))).toMatchObject({ sub: "abc", role: "doctor" });
    expect(() => claims("nope")).toThrow();
  });
});

describe("the session", () => {
  it("signs in with the password form and keeps the refresh token in the store", async () => {
    const { fetcher, calls } = fakeFetch(() => json(200, pair(1)));
    const store = memoryStore();
    const manager = new SessionManager(fetcher, store);
    const who = await manager.signIn("desk", "secret");
    expect(who).toMatchObject({ userId: "u1", role: "receptionist", username: "desk" });
    expect(calls[0]!.url).toBe("/api/auth/token");
    expect(String(calls[0]!.init.body)).toContain("grant_type=password");
    expect(store.value()).toMatchObject({ refresh_token: "r1", role: "receptionist" });
    expect(await manager.token()).toBe(who.accessToken);
  });

  it("a failed sign-in says why", async () => {
    const { fetcher } = fakeFetch(() => json(401, { detail: "Wrong username or password" }));
    const manager = new SessionManager(fetcher, memoryStore());
    await expect(manager.signIn("desk", "bad")).rejects.toBeInstanceOf(SignInError);
    expect(manager.current.value).toBeNull();
  });

  it("restores offline without the network, then refreshes once for concurrent callers", async () => {
    let n = 1;
    const { fetcher, calls } = fakeFetch(async () => { await new Promise((r) => setTimeout(r, 5)); return json(200, pair(++n)); });
    const store = memoryStore({ key: "current", refresh_token: "r1", user_id: "u1", role: "receptionist", username: "desk" });
    const manager = new SessionManager(fetcher, store);
    const restored = await manager.restore(false);
    expect(restored).toMatchObject({ accessToken: null, username: "desk" });
    expect(calls).toHaveLength(0);
    const [a, b, c] = await Promise.all([manager.refresh(), manager.refresh(), manager.token()]);
    expect([a, b]).toEqual([true, true]);
    expect(c).toBeTruthy();
    expect(calls).toHaveLength(1);
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ refresh_token: "r1" });
    expect(store.value()?.refresh_token).toBe("r2");
  });

  it("refreshes with the token another tab stored last (each token is spent once)", async () => {
    let n = 10;
    const { fetcher, calls } = fakeFetch(() => json(200, pair(++n)));
    const store = memoryStore({ key: "current", refresh_token: "r1", user_id: "u1", role: "receptionist", username: "desk" });
    const manager = new SessionManager(fetcher, store);
    await manager.restore(false);
    // another tab of the same desk refreshed meanwhile: r1 is spent, r5 is the live one
    await store.save({ key: "current", refresh_token: "r5", user_id: "u1", role: "receptionist", username: "desk" });
    expect(await manager.refresh()).toBe(true);
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ refresh_token: "r5" });
    expect(store.value()?.refresh_token).toBe("r11");
  });

  it("a refused refresh marks the session expired; the network away does not", async () => {
    let answer: () => Response = () => { throw new TypeError("offline"); };
    const { fetcher } = fakeFetch(() => answer());
    const store = memoryStore({ key: "current", refresh_token: "r1", user_id: "u1", role: "receptionist", username: "desk" });
    const manager = new SessionManager(fetcher, store);
    await manager.restore(false);
    expect(await manager.refresh()).toBe(false);
    expect(manager.expired.value).toBe(false);
    answer = () => json(401, { detail: "refresh token reused" });
    expect(await manager.refresh()).toBe(false);
    expect(manager.expired.value).toBe(true);
    expect(manager.current.value).not.toBeNull(); // kept: the desk signs in again, nothing lost
  });

  it("signs out: revokes the refresh token and clears everything", async () => {
    const { fetcher, calls } = fakeFetch((url) => url.endsWith("/logout") ? new Response(null, { status: 204 }) : json(200, pair(1)));
    const store = memoryStore();
    const manager = new SessionManager(fetcher, store);
    await manager.signIn("desk", "secret");
    await manager.signOut();
    const logout = calls.find((c) => c.url === "/api/auth/logout")!;
    expect(JSON.parse(String(logout.init.body))).toEqual({ refresh_token: "r1" });
    expect((logout.init.headers as Record<string, string>).authorization).toMatch(/^Bearer /);
    expect(manager.current.value).toBeNull();
    expect(store.value()).toBeUndefined();
  });
});
