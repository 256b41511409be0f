// What the patient's screens read from the clinic, kept on the phone: each successful read goes
// into the local view (appointments, tickets: src/lib/local.ts) or the meta table (doctors,
// messages), with the time it was read ("as of"), so that offline the last known shows.
import { api } from "../../api/client";
import { call } from "../../lib/call";
import { db } from "../../lib/db";
import { cacheServer } from "../../lib/local";
import type { DoctorInfo } from "../agenda";
import { latest } from "../asof";
import { IdempotencyKeeper, type KeyStore } from "../keeper";

export const ASOF = { appointments: "patient.asof.appointments", ticket: "patient.asof.ticket",
  messages: "patient.asof.messages", sync: "patient.asof.sync" } as const;
const DOCTORS = "patient.doctors";
const MESSAGES = "patient.messages";

export interface Message { id: string; subject: string | null; body: string | null; kind: string; at: string }

const metaStore: KeyStore = {
  get: async (key) => (await db.meta.get(key))?.value,
  put: async (key, value) => { await db.meta.put({ key, value }); },
  delete: async (key) => { await db.meta.delete(key); },
};

/** One keeper per kind of attempt; each holds the key of the attempt not yet answered. */
export const keepers = {
  book: new IdempotencyKeeper(metaStore, "patient.idem.book"),
  reschedule: new IdempotencyKeeper(metaStore, "patient.idem.reschedule"),
  cancel: new IdempotencyKeeper(metaStore, "patient.idem.cancel"),
};

export async function stampNow(key: string): Promise<void> {
  await db.meta.put({ key, value: new Date().toISOString() });
}

/** The newest "as of" of everything shown offline. */
export async function asOfAll(): Promise<string | null> {
  const rows = await db.meta.bulkGet(Object.values(ASOF));
  return latest(rows.map((r) => (r?.value as string | undefined) ?? null));
}

export async function knownDoctors(): Promise<DoctorInfo[]> {
  return ((await db.meta.get(DOCTORS))?.value as DoctorInfo[] | undefined) ?? [];
}

/** The doctors (names, departments, rooms): from the clinic, else as last known. */
export async function loadDoctors(): Promise<{ doctors: DoctorInfo[]; fresh: boolean }> {
  const got = await call(() => api.appointments.GET("/api/appointments/doctors", { params: { query: { limit: 100 } } }));
  if (!got.ok) return { doctors: await knownDoctors(), fresh: false };
  const doctors = got.data.items.filter((d) => d.active)
    .map(({ id, full_name, department, room }) => ({ id, full_name, department, room }));
  await db.meta.put({ key: DOCTORS, value: doctors });
  return { doctors, fresh: true };
}

/** The patient's appointments into the local view. Returns the failure's words, or null. */
export async function refreshAppointments(): Promise<string | null> {
  const got = await call(() => api.appointments.GET("/api/appointments", { params: { query: { limit: 100 } } }));
  if (!got.ok) return got.message;
  for (const item of got.data.items) await cacheServer("appointment", item.id, { ...item });
  await stampNow(ASOF.appointments);
  return null;
}

/** One appointment (a visit's page: diagnosis and treatment are the patient's own). */
export async function refreshAppointment(id: string): Promise<string | null> {
  const got = await call(() => api.appointments.GET("/api/appointments/{appointment_id}", {
    params: { path: { appointment_id: id } } }));
  if (!got.ok) return got.message;
  await cacheServer("appointment", id, { ...got.data });
  await stampNow(ASOF.appointments);
  return null;
}

/** The active tickets into the local view; one held as active that is no longer is read once
 *  more for how it ended (served, missed, left). */
export async function refreshTicket(): Promise<string | null> {
  const got = await call(() => api.queue.GET("/api/queue/tickets/mine"));
  if (!got.ok) return got.message;
  const present = new Set(got.data.map((t) => t.id));
  for (const ticket of got.data) await cacheServer("ticket", ticket.id, { ...ticket });
  const held = await db.records.where("entity").equals("ticket").toArray();
  for (const record of held) {
    if (present.has(record.id) || !["waiting", "called"].includes(String(record.fields.status))) continue;
    const ended = await call(() => api.queue.GET("/api/queue/tickets/{ticket_id}", {
      params: { path: { ticket_id: record.id } } }));
    if (ended.ok) await cacheServer("ticket", record.id, { ...ended.data });
    else if (ended.status === 404) await cacheServer("ticket", record.id, { status: "closed" });
  }
  await stampNow(ASOF.ticket);
  return null;
}

export async function knownMessages(): Promise<Message[]> {
  return ((await db.meta.get(MESSAGES))?.value as Message[] | undefined) ?? [];
}

/** The recent messages (SMS, push, email) the clinic sent the patient. */
export async function refreshMessages(): Promise<string | null> {
  const got = await call(() => api.notifications.GET("/api/notifications/mine", { params: { query: { limit: 10 } } }));
  if (!got.ok) return got.message;
  const messages: Message[] = got.data.items.map((m) => ({ id: m.id, subject: m.subject ?? null,
    body: m.body ?? null, kind: m.kind, at: m.sent_at ?? m.created_at }));
  await db.meta.put({ key: MESSAGES, value: messages });
  await stampNow(ASOF.messages);
  return null;
}

export async function stampOf(key: string): Promise<string | null> {
  return ((await db.meta.get(key))?.value as string | undefined) ?? null;
}
