// The account screens' decisions, kept pure (Vitest): what a form may send, and what a refusal
// says in plain words (which field, how long to wait, the server being away).
import { ps, t } from "../i18n";

const c = ps.account.common;

export const MIN_PASSWORD = 8;

/** A phone number people might type: digits with +, spaces, dashes, dots, brackets; 7-15
 *  digits. The server has the last word (it parses any common form, stores E.164). */
export function plausiblePhone(text: string): boolean {
  const trimmed = text.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return false;
  const digits = trimmed.replace(/\D/g, "").length;
  return digits >= 7 && digits <= 15;
}

/** What is wrong with a new password and its confirmation, or null. */
export function passwordProblem(password: string, confirm: string): string | null {
  if (password.length < MIN_PASSWORD) return c.tooShort;
  if (password !== confirm) return c.mismatch;
  return null;
}

/** A 429's seconds: the problem's `retry_after`, else the Retry-After header, else 60. */
export function retrySeconds(problem: unknown, headers?: Headers | null): number {
  const fromBody = (problem as { retry_after?: unknown } | null)?.retry_after;
  const value = Number(fromBody ?? headers?.get("retry-after") ?? NaN);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : 60;
}

interface FieldError { loc?: unknown[]; msg?: string }

/** The field a 422 names: the first validation error's, or the one a domain detail starts with
 *  ("phone_number is not a valid phone number."). */
export function fieldOf(problem: unknown): string | null {
  const p = problem as { errors?: FieldError[]; detail?: unknown } | null;
  const first = p?.errors?.[0]?.loc;
  if (Array.isArray(first) && first.length > 1) return String(first[first.length - 1]);
  if (typeof p?.detail === "string") {
    const named = Object.keys(c.fields).find((name) => p.detail === name || (p.detail as string).startsWith(`${name} `));
    if (named) return named;
  }
  return null;
}

/** A 422 in words: "The phone number: not a valid phone number." */
export function invalidText(problem: unknown): string | null {
  const p = problem as { errors?: FieldError[]; detail?: unknown } | null;
  const field = fieldOf(problem);
  const reason = p?.errors?.[0]?.msg ?? (typeof p?.detail === "string" ? p.detail : "");
  if (!field || !(field in c.fields)) return reason || null;
  const cleaned = reason.startsWith(`${field} `) ? reason.slice(field.length + 1) : reason;
  return t(c.fields[field as keyof typeof c.fields], { reason: cleaned });
}

/** Any refusal in plain words: no answer (offline, server away), 429 with the wait, 422 with
 *  its field, else the server's detail or a generic line with the status. */
export function refusalText(status: number | undefined, problem: unknown, headers?: Headers | null): string {
  if (status === undefined || status === 0 || status === 502 || status === 504) return c.unreachable;
  if (status === 429) return t(c.throttled, { seconds: retrySeconds(problem, headers) });
  if (status === 422) {
    const words = invalidText(problem);
    if (words) return words;
  }
  const p = problem as { detail?: unknown; title?: unknown } | null;
  if (typeof p?.detail === "string" && p.detail) return p.detail;
  return t(c.unexpected, { status });
}

/** Why asking for a reset code by SMS did not go through, in words. Any 2xx leads to the code
 *  step instead, whatever the number: the clinic's answer never says whether an account uses it.
 *  A 429 is about this connection (too many numbers asked for from it), not the number. */
export function codeRequestRefusal(status: number | undefined, problem: unknown,
                                   headers?: Headers | null): { text: string; field?: string } {
  if (status === 429) return { text: t(ps.account.reset.tooMany, { seconds: retrySeconds(problem, headers) }) };
  if (status === 422) return { text: c.badPhone, field: "phone_number" };
  return { text: refusalText(status, problem, headers) };
}

/** Which unique field a registration's 409 is about. */
export function takenField(detail: unknown): "phone_number" | "email" | "username" {
  const text = typeof detail === "string" ? detail.toLowerCase() : "";
  if (text.includes("email")) return "email";
  if (text.includes("username")) return "username";
  return "phone_number";
}

export interface Profile { full_name: string; email: string | null; phone_number: string | null }

/** The fields a profile form changed (trimmed; an emptied email is null: cleared). */
export function changedFields(before: Profile, draft: Profile): Partial<Profile> {
  const out: Partial<Profile> = {};
  const name = draft.full_name.trim();
  if (name && name !== before.full_name) out.full_name = name;
  const email = (draft.email ?? "").trim() || null;
  if (email !== (before.email ?? null)) out.email = email;
  const phone = (draft.phone_number ?? "").trim();
  if (phone && phone !== (before.phone_number ?? "")) out.phone_number = phone;
  return out;
}
