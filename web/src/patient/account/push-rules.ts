// Web Push decisions, kept pure (Vitest): which state the app shows, the preferences' devices
// list with this phone's subscription in it, and the server's key as bytes.

/** on: this phone gets notifications; every other state means SMS instead. */
export type PushState = "on" | "off" | "denied" | "unsupported" | "nokey" | "failed";

/** What the app remembers of its last try (the meta table). */
export interface StoredPush { state: PushState; reason?: string; at: string }

export interface PushFacts {
  /** Notification, service workers and PushManager all exist */
  supported: boolean;
  permission: NotificationPermission | null;
  stored: StoredPush | null;
  /** this phone's subscription is among the preferences' devices */
  subscribed: boolean;
}

/** The state to show. A blocked permission wins over what was stored; a prompt dismissed
 *  ("default" again) after a refusal still reads as refused until asked again. */
export function pushView(f: PushFacts): PushState {
  if (!f.supported) return "unsupported";
  if (f.permission === "denied") return "denied";
  if (f.subscribed && f.permission === "granted") return "on";
  const last = f.stored?.state;
  if (last === "nokey" || last === "failed") return last;
  if (last === "denied" && f.permission !== "granted") return "denied";
  return "off";
}

/** Whether the "Turn on" button makes sense (a blocked permission can be unblocked in the
 *  browser's settings, so it stays). */
export function canTurnOn(state: PushState): boolean {
  return state !== "on" && state !== "unsupported";
}

/** The endpoint of a device that is a Web Push subscription (JSON), else null (an FCM token). */
export function endpointOf(device: string): string | null {
  if (!device.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(device) as { endpoint?: unknown };
    return typeof parsed.endpoint === "string" ? parsed.endpoint : null;
  } catch {
    return null;
  }
}

/** The devices with `device` added last: no duplicate, no older subscription of the same
 *  endpoint (its keys changed), at most `max` (the oldest go first). */
export function mergeDevices(current: readonly string[], device: string, max = 10): string[] {
  const endpoint = endpointOf(device);
  const kept = current.filter((d) => d !== device && (endpoint === null || endpointOf(d) !== endpoint));
  return [...kept, device].slice(-max);
}

/** Whether the devices hold a subscription of this endpoint. */
export function hasEndpoint(devices: readonly string[], endpoint: string | null | undefined): boolean {
  return !!endpoint && devices.some((d) => endpointOf(d) === endpoint);
}

/** The channels with push among them, in the order the form lists them. */
export function withPush<C extends string>(channels: readonly C[]): C[] {
  const order = ["sms", "push", "email"];
  const all = new Set<string>([...channels, "push"]);
  return order.filter((ch) => all.has(ch)) as C[];
}

/** base64url (padding optional) to bytes; an error for anything else. */
export function b64urlToBytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error("not base64url");
  const plain = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (plain.length % 4 === 1) throw new Error("not base64url");
  const binary = atob(plain.padEnd(Math.ceil(plain.length / 4) * 4, "="));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether an existing subscription was made with this server key (else: subscribe again). */
export function sameKey(existing: ArrayBuffer | null | undefined, key: Uint8Array): boolean {
  if (!existing) return false;
  const bytes = new Uint8Array(existing);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}
