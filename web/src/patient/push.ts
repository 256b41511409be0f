// Web Push on this phone: asked after the first booking (never on first load) and from the
// "Turn on phone notifications" button in Me. The server's key -> the permission -> the service
// worker's subscription -> added to the preferences' devices (with "push" among the channels).
// Anything short of that (refused, unsupported, no key on the server, subscribing failed) means
// SMS instead, and the app says so. What happened last is kept in the meta table.
import { signal } from "@preact/signals";
import { api } from "../api/client";
import { call } from "../lib/call";
import { db } from "../lib/db";
import {
  b64urlToBytes, hasEndpoint, mergeDevices, pushView, sameKey, withPush, type PushState, type StoredPush,
} from "./account/push-rules";
import { ps, t } from "./i18n";

export type { PushState } from "./account/push-rules";

const ASKED = "push.asked";
const LAST = "push.last";
const p = ps.account.push;

/** What asking after a booking came to, in words, for <PushNotice /> (null: nothing to say). */
export const pushNotice = signal<string | null>(null);

export function pushSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window && "serviceWorker" in navigator
    && "PushManager" in window;
}

async function remember(state: PushState, reason?: string): Promise<PushState> {
  const value: StoredPush = { state, at: new Date().toISOString(), ...(reason ? { reason } : {}) };
  await db.meta.put({ key: LAST, value }).catch(() => undefined);
  return state;
}

async function lastTry(): Promise<StoredPush | null> {
  return ((await db.meta.get(LAST).catch(() => undefined))?.value as StoredPush | undefined) ?? null;
}

/** The server's key (GET /api/notifications/push/key); null: Web Push is off on this server;
 *  undefined: no answer. */
async function serverKey(): Promise<string | null | undefined> {
  const answer = await call(() => api.notifications.GET("/api/notifications/push/key"));
  if (!answer.ok) return answer.status === 404 ? null : undefined;
  return answer.data.public_key ?? null;
}

/** The app's service worker, once active (not forever: a page without one fails instead). */
async function registration(): Promise<ServiceWorkerRegistration> {
  const found = await navigator.serviceWorker.getRegistration("/patient/");
  if (found?.active) return found;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, fail) => { timer = setTimeout(() => fail(new Error("no service worker")), 20_000); });
  try {
    return await Promise.race([navigator.serviceWorker.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function subscribe(key: Uint8Array): Promise<PushSubscription> {
  const manager = (await registration()).pushManager;
  const existing = await manager.getSubscription();
  if (existing && sameKey(existing.options.applicationServerKey, key)) return existing;
  if (existing) await existing.unsubscribe().catch(() => false);
  return manager.subscribe({ userVisibleOnly: true, applicationServerKey: key as BufferSource });
}

/** Adds the subscription to the preferences' devices, keeping the others and the channels. */
async function register(subscription: PushSubscription): Promise<string | null> {
  const current = await call(() => api.notifications.GET("/api/notifications/preferences"));
  if (!current.ok) return current.message;
  const prefs = current.data;
  const devices = mergeDevices(prefs.devices ?? [], JSON.stringify(subscription));
  const saved = await call(() => api.notifications.PUT("/api/notifications/preferences", {
    body: { channels: withPush(prefs.channels), quiet_hours: prefs.quiet_hours ?? null, devices } }));
  return saved.ok ? null : saved.message;
}

/** Turns on phone notifications. With `fromBooking`, only the first time ever (the booking
 *  screen calls it after each successful booking; it asks once) and what came of it is said
 *  by <PushNotice />. Returns the state now. */
export async function askForPush(options: { fromBooking?: boolean } = {}): Promise<PushState> {
  if (options.fromBooking) {
    if ((await db.meta.get(ASKED).catch(() => undefined))?.value) return pushState();
    const state = await turnOn();
    pushNotice.value = await pushWords(state);
    return state;
  }
  return turnOn();
}

async function turnOn(): Promise<PushState> {
  const asked = () => db.meta.put({ key: ASKED, value: new Date().toISOString() }).catch(() => undefined);
  if (!pushSupported()) { await asked(); return remember("unsupported"); }
  // no network, no answer: not asked yet (the next booking asks again)
  if (!navigator.onLine) return remember("failed", p.offline);
  const key = await serverKey();
  if (key === undefined) return remember("failed", ps.account.common.unreachable);
  await asked();
  if (key === null) return remember("nokey");
  let permission: NotificationPermission = Notification.permission;
  if (permission !== "granted") {
    permission = await Notification.requestPermission().catch(() => "denied" as const);
  }
  if (permission !== "granted") return remember("denied");
  let subscription: PushSubscription;
  try {
    subscription = await subscribe(b64urlToBytes(key));
  } catch {
    return remember("failed", p.subscribeFailed);
  }
  const refused = await register(subscription);
  if (refused) return remember("failed", refused);
  return remember("on");
}

/** The state to show now (Me): what the browser allows, what was tried last, and whether this
 *  phone's subscription is among `devices` (the preferences as last known). */
export async function pushState(devices?: readonly string[]): Promise<PushState> {
  const supported = pushSupported();
  let subscribed = false;
  if (supported && devices) {
    const found = await navigator.serviceWorker.getRegistration("/patient/").catch(() => undefined);
    const subscription = await found?.pushManager.getSubscription().catch(() => null);
    subscribed = hasEndpoint(devices, subscription?.endpoint);
  }
  const stored = await lastTry();
  if (devices === undefined && stored?.state === "on") return "on";
  return pushView({ supported, permission: supported ? Notification.permission : null, stored, subscribed });
}

/** The words for a state (every state but "on" says SMS is used instead). */
export async function pushWords(state: PushState): Promise<string> {
  if (state === "failed") {
    const stored = await lastTry();
    return t(p.failed, { reason: stored?.reason ?? p.offline });
  }
  return { on: p.on, off: p.off, denied: p.denied, unsupported: p.unsupported, nokey: p.noKey }[state];
}
