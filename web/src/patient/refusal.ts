// Why a booking or a move was refused, in the patient's words, from the appointments
// service's problem detail: the slot was just taken (409; the slot list is read again), the
// cap on upcoming visits (409 with active_bookings), the booking horizon (422 with
// horizon_days), an active no-show penalty (403 with active_penalties), too many cancellations
// (429: the service's own words say until when); no answer at all: it may or may not have gone
// through (try again with the same key).
import { t } from "../i18n";
import { visits } from "./i18n/visits";

export type RefusalKind = "unconfirmed" | "taken" | "cap" | "horizon" | "penalty" | "other";

export interface Refusal { kind: RefusalKind; text: string }

const num = (v: unknown): number | string => (typeof v === "number" ? v : "?");

/** `message`: the call's own plain words (src/lib/call.ts), used when nothing better fits. */
export function refusal(status: number | undefined, problem: unknown, message: string): Refusal {
  const s = visits.book;
  const p = (problem && typeof problem === "object" ? problem : {}) as Record<string, unknown>;
  if (status === undefined || status === 0) return { kind: "unconfirmed", text: s.unconfirmed };
  if (status === 409 && "active_bookings" in p) {
    return { kind: "cap", text: t(s.cap, { active: num(p.active_bookings), limit: num(p.limit) }) };
  }
  if (status === 409 && /slot/i.test(String(p.detail ?? "")) && /taken/i.test(String(p.detail ?? ""))) {
    return { kind: "taken", text: s.taken };
  }
  if (status === 422 && "horizon_days" in p) {
    return { kind: "horizon", text: t(s.horizon, { days: num(p.horizon_days) }) };
  }
  if (status === 403 && "active_penalties" in p) {
    return { kind: "penalty", text: t(s.penalty, { active: num(p.active_penalties),
      days: num(p.window_days), limit: num(p.limit) }) };
  }
  return { kind: "other", text: message };
}
