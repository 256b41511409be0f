// One API call as the doctor's and admin consoles use it: the data, or the plain words of why
// not (the server's own reason for a 409 or 422, what to do when the server is away).
import { problemText } from "../api/client";
import { failureText } from "../ui/feedback";

export type Outcome<T> =
  | { ok: true; data: T; response: Response }
  | { ok: false; status: number | undefined; message: string; problem: unknown };

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Runs an openapi-fetch call; a thrown fetch (network down) becomes status undefined. */
export async function call<T>(run: () => Promise<Answer<T>>): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await run();
    if (response.ok) return { ok: true, data: data as T, response };
    return { ok: false, status: response.status, message: failureText(response.status, problemText(error)),
      problem: error };
  } catch {
    return { ok: false, status: undefined, message: failureText(undefined, null), problem: null };
  }
}

/** Today's clinic day as YYYY-MM-DD in the browser's zone (the clinic's own, at the desk). */
export function isoDay(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A day some days before or after the given one (YYYY-MM-DD). */
export function shiftDay(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return isoDay(new Date(y, m - 1, d + days));
}

/** A time as people read it at the desk: 09:30. */
export function clock(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** A date and time: 6 Dec 2026, 09:30. */
export function stamp(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}
