// The desk's writes: online, a direct call (immediate answer; a 409 or 422 shows the server's
// reason). Offline, when the call cannot reach the server, or while earlier operations still
// wait (so that the order holds), the write becomes an operation for /api/sync, applied to the
// local view at once and marked pending.
import { call } from "../../lib/call";
import { cacheServer, offlineWrite } from "../../lib/local";
import { waitingCount } from "../../lib/ops";
import { sync } from "../../lib/sync";

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface Write<T> {
  entity: string;
  action: string;
  id: string;
  fields: Record<string, unknown>;
  label: string;
  /** shown locally, not sent (a patient's name on a ticket) */
  extra?: Record<string, unknown>;
  online: () => Promise<Answer<T>>;
}

export type Written<T> =
  | { ok: true; queued: false; data: T }
  | { ok: true; queued: true }
  | { ok: false; message: string; status: number | undefined };

const AWAY = new Set([502, 504]);

export function isOffline(): boolean {
  return !navigator.onLine || !sync.online.peek();
}

export async function write<T>(w: Write<T>): Promise<Written<T>> {
  const queue = async (): Promise<Written<T>> => {
    await offlineWrite(w.entity, w.action, w.id, w.fields, w.label, w.extra ?? {});
    if (!isOffline()) void sync.run();
    return { ok: true, queued: true };
  };
  if (isOffline() || (await waitingCount()) > 0) return queue();
  const got = await call(w.online);
  if (got.ok) {
    if (got.data && typeof got.data === "object" && "id" in got.data) {
      const { activation_code: _code, voucher: _voucher, ...kept } = got.data as Record<string, unknown>;
      await cacheServer(w.entity, String(kept.id), { ...kept, ...(w.extra ?? {}) });
    }
    return { ok: true, queued: false, data: got.data };
  }
  if (got.status === undefined || AWAY.has(got.status)) return queue();
  return { ok: false, message: got.message, status: got.status };
}

export function newId(): string {
  return crypto.randomUUID();
}
