// One typed client per service, generated from its own OpenAPI document (src/api/schema, made
// by `make web-types`). Every call carries the session's access token; a 401 refreshes once and
// tries again.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths as AppointmentsPaths } from "./schema/appointments";
import type { paths as AuthPaths } from "./schema/auth";
import type { paths as NotificationsPaths } from "./schema/notifications";
import type { paths as QueuePaths } from "./schema/queue";
import type { paths as ReportingPaths } from "./schema/reporting";
import type { paths as SyncPaths } from "./schema/sync";
import { session, type SessionManager } from "../lib/session";

export function bearer(manager: SessionManager): Middleware {
  const retries = new WeakMap<Request, Request>();
  return {
    async onRequest({ request }) {
      const token = await manager.token();
      if (token) request.headers.set("authorization", `Bearer ${token}`);
      retries.set(request, request.clone());
      return request;
    },
    async onResponse({ request, response }) {
      const copy = retries.get(request);
      if (response.status !== 401 || !copy || request.headers.get("x-hms-retry")) return response;
      if (!(await manager.refresh())) return response;
      copy.headers.set("authorization", `Bearer ${await manager.token()}`);
      copy.headers.set("x-hms-retry", "1");
      return fetch(copy);
    },
  };
}

function client<Paths extends {}>() {
  const c = createClient<Paths>({ baseUrl: location.origin });
  c.use(bearer(session));
  return c;
}

export const api = {
  auth: client<AuthPaths>(),
  appointments: client<AppointmentsPaths>(),
  queue: client<QueuePaths>(),
  notifications: client<NotificationsPaths>(),
  reporting: client<ReportingPaths>(),
  sync: client<SyncPaths>(),
};

/** A problem+json body's words for people: its detail, else its title. */
export function problemText(error: unknown): string | null {
  if (!error || typeof error !== "object") return null;
  const e = error as { detail?: unknown; title?: unknown; errors?: { msg?: string; loc?: unknown[] }[] };
  if (Array.isArray(e.errors) && e.errors.length) {
    // a 422: which field and why (the services never echo the value)
    return e.errors.map((d) => `${(d.loc ?? []).slice(1).join(".")}: ${d.msg ?? ""}`).join("; ");
  }
  if (typeof e.detail === "string") return e.detail;
  return typeof e.title === "string" ? e.title : null;
}
