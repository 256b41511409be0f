import { describe, expect, it } from "vitest";
import {
  b64urlToBytes, canTurnOn, endpointOf, hasEndpoint, mergeDevices, pushView, sameKey, withPush, type PushFacts,
} from "./push-rules";

const sub = (endpoint: string, auth = "a") =>
  JSON.stringify({ endpoint, expirationTime: null, keys: { p256dh: "BP", auth } });
const facts = (over: Partial<PushFacts>): PushFacts =>
  ({ supported: true, permission: "default", stored: null, subscribed: false, ...over });
const at = "2026-12-06T10:00:00Z";

describe("the state the app shows", () => {
  it("is on only with the permission and this phone's subscription at the server", () => {
    expect(pushView(facts({ permission: "granted", subscribed: true }))).toBe("on");
    expect(pushView(facts({ permission: "granted", subscribed: false, stored: { state: "on", at } }))).toBe("off");
    expect(pushView(facts({ permission: "default", subscribed: true }))).toBe("off");
  });

  it("says why SMS is used instead", () => {
    expect(pushView(facts({ supported: false, permission: null }))).toBe("unsupported");
    expect(pushView(facts({ permission: "denied", subscribed: true }))).toBe("denied");
    // a dismissed prompt leaves "default", still a refusal until asked again
    expect(pushView(facts({ stored: { state: "denied", at } }))).toBe("denied");
    expect(pushView(facts({ permission: "granted", stored: { state: "denied", at } }))).toBe("off");
    expect(pushView(facts({ stored: { state: "nokey", at } }))).toBe("nokey");
    expect(pushView(facts({ permission: "granted", stored: { state: "failed", at, reason: "x" } }))).toBe("failed");
    expect(pushView(facts({}))).toBe("off");
  });

  it("offers the button unless on or impossible", () => {
    expect(canTurnOn("on")).toBe(false);
    expect(canTurnOn("unsupported")).toBe(false);
    for (const state of ["off", "denied", "nokey", "failed"] as const) expect(canTurnOn(state)).toBe(true);
  });
});

describe("the devices list", () => {
  it("adds the subscription once, replacing an older one of the same endpoint, keeping FCM tokens", () => {
    const fcm = "fcm-token-1";
    const old = sub("https://fcm.googleapis.com/fcm/send/abc", "old");
    const fresh = sub("https://fcm.googleapis.com/fcm/send/abc", "new");
    expect(mergeDevices([fcm, old], fresh)).toEqual([fcm, fresh]);
    expect(mergeDevices([fcm, fresh], fresh)).toEqual([fcm, fresh]);
    expect(mergeDevices([], fcm)).toEqual([fcm]);
  });

  it("keeps at most ten, the oldest going first", () => {
    const many = Array.from({ length: 10 }, (_, i) => `token-${i}`);
    const merged = mergeDevices(many, sub("https://push.example/x"));
    expect(merged).toHaveLength(10);
    expect(merged[0]).toBe("token-1");
    expect(merged[9]).toContain("push.example");
  });

  it("reads endpoints of subscriptions only", () => {
    expect(endpointOf(sub("https://a.example/1"))).toBe("https://a.example/1");
    expect(endpointOf("fcm-token")).toBeNull();
    expect(endpointOf("{not json")).toBeNull();
    expect(hasEndpoint(["x", sub("https://a.example/1")], "https://a.example/1")).toBe(true);
    expect(hasEndpoint(["x"], "https://a.example/1")).toBe(false);
    expect(hasEndpoint([sub("https://a.example/1")], undefined)).toBe(false);
  });

  it("puts push among the channels once, in the form's order", () => {
    expect(withPush(["email", "sms"])).toEqual(["sms", "push", "email"]);
    expect(withPush(["push"])).toEqual(["push"]);
  });
});

describe("the server's key", () => {
  it("decodes base64url, padded or not", () => {
    expect(Array.from(b64urlToBytes("AQID"))).toEqual([1, 2, 3]);
    expect(Array.from(b64urlToBytes("-_8"))).toEqual([251, 255]);
    expect(Array.from(b64urlToBytes("-_8="))).toEqual([251, 255]);
    const point = b64urlToBytes("BN" + "A".repeat(85));
    expect(point).toHaveLength(65);
    expect(point[0]).toBe(4);
  });

  it("refuses what is not base64url", () => {
    expect(() => b64urlToBytes("a+b/")).toThrow();
    expect(() => b64urlToBytes("abcde")).toThrow();
  });

  it("compares a subscription's key with the server's", () => {
    const key = new Uint8Array([4, 1, 2]);
    expect(sameKey(new Uint8Array([4, 1, 2]).buffer, key)).toBe(true);
    expect(sameKey(new Uint8Array([4, 1, 3]).buffer, key)).toBe(false);
    expect(sameKey(null, key)).toBe(false);
  });
});
