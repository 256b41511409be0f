// Me's data: the profile (GET/PATCH /api/auth/me) and the notification preferences
// (GET/PUT /api/notifications/preferences), kept in the local view (records "patient" and
// "preferences" under the patient's id) with the time they were last known, so Me shows them
// offline. A change made offline, or whose request got no answer, becomes an operation that the
// shell's sync sends through /api/sync when the network returns.
import { api } from "../../api/client";
import { call } from "../../lib/call";
import { db } from "../../lib/db";
import { cacheServer, offlineWrite } from "../../lib/local";
import { refusalText, type Profile } from "./rules";

export const PROFILE = "patient";
export const PREFS = "preferences";
export const ENTITIES = [PROFILE, PREFS];
const AS_OF = "me.asOf";

export type Channel = "sms" | "push" | "email";
export interface QuietHours { start: string; end: string }
export interface Prefs { channels: Channel[]; quiet_hours: QuietHours | null; devices: string[] }

export type Saved = { kind: "saved" } | { kind: "queued" } | { kind: "refused"; text: string; status?: number; problem?: unknown };

function profileOf(user: { full_name: string; email?: string | null; phone_number?: string | null }): Profile {
  return { full_name: user.full_name, email: user.email ?? null, phone_number: user.phone_number ?? null };
}

function prefsOf(p: { channels: Channel[]; quiet_hours?: QuietHours | null; devices?: string[] }): Prefs {
  return { channels: p.channels, quiet_hours: p.quiet_hours ?? null, devices: p.devices ?? [] };
}

/** When Me's data was last heard from the server (ISO), or null. */
export async function asOf(): Promise<string | null> {
  return ((await db.meta.get(AS_OF))?.value as string | undefined) ?? null;
}

/** Profile and preferences from the server into the local view; false when it was not reached. */
export async function refresh(userId: string): Promise<boolean> {
  if (!navigator.onLine) return false;
  const [me, prefs] = await Promise.all([
    call(() => api.auth.GET("/api/auth/me")),
    call(() => api.notifications.GET("/api/notifications/preferences")),
  ]);
  if (me.ok) await cacheServer(PROFILE, userId, { ...profileOf(me.data) });
  if (prefs.ok) await cacheServer(PREFS, userId, { ...prefsOf(prefs.data) });
  if (me.ok && prefs.ok) await db.meta.put({ key: AS_OF, value: new Date().toISOString() });
  return me.ok && prefs.ok;
}

/** The profile's changed fields: sent now, or kept as an operation when offline or unanswered. */
export async function saveProfile(userId: string, changes: Partial<Profile>, label: string): Promise<Saved> {
  if (!navigator.onLine) {
    await offlineWrite(PROFILE, "update", userId, { ...changes }, label);
    return { kind: "queued" };
  }
  const answer = await call(() => api.auth.PATCH("/api/auth/me", { body: changes }));
  if (answer.ok) {
    await cacheServer(PROFILE, userId, { ...profileOf(answer.data) });
    return { kind: "saved" };
  }
  if (answer.status === undefined) {
    await offlineWrite(PROFILE, "update", userId, { ...changes }, label);
    return { kind: "queued" };
  }
  return { kind: "refused", text: refusalText(answer.status, answer.problem), status: answer.status, problem: answer.problem };
}

/** Channels and quiet hours: the devices stay as the server has them (read just before). */
export async function savePrefs(userId: string, wanted: Omit<Prefs, "devices">, label: string): Promise<Saved> {
  const queue = async (): Promise<Saved> => {
    await offlineWrite(PREFS, "update", userId, { channels: wanted.channels, quiet_hours: wanted.quiet_hours }, label);
    return { kind: "queued" };
  };
  if (!navigator.onLine) return queue();
  const current = await call(() => api.notifications.GET("/api/notifications/preferences"));
  if (!current.ok) {
    return current.status === undefined ? queue()
      : { kind: "refused", text: refusalText(current.status, current.problem), status: current.status };
  }
  const answer = await call(() => api.notifications.PUT("/api/notifications/preferences", {
    body: { channels: wanted.channels, quiet_hours: wanted.quiet_hours, devices: current.data.devices ?? [] } }));
  if (answer.ok) {
    await cacheServer(PREFS, userId, { ...prefsOf(answer.data) });
    return { kind: "saved" };
  }
  if (answer.status === undefined) return queue();
  return { kind: "refused", text: refusalText(answer.status, answer.problem), status: answer.status, problem: answer.problem };
}

/** Forgets Me's answered operations (the patient has seen their results); others' stay. */
export async function dismissMine(): Promise<void> {
  await db.ops.filter((op) => ENTITIES.includes(op.entity) && !["pending", "sending"].includes(op.state)).delete();
}
