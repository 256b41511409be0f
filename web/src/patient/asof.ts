// "As of" times: when the phone last heard the clinic. Today: 14:05; another day: 5 Dec, 14:05.
export function asOfText(iso: string | null | undefined, now: Date = new Date()): string | null {
  if (!iso) return null;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString([], { day: "numeric", month: "short" })}, ${time}`;
}

/** The latest of several "as of" stamps (null when none is known). */
export function latest(stamps: (string | null | undefined)[]): string | null {
  const known = stamps.filter((s): s is string => Boolean(s)).sort();
  return known.length ? known[known.length - 1]! : null;
}

/** A day and time as a patient reads it: Mon 7 Dec, 10:30. */
export function dayTime(iso: string): { day: string; time: string } {
  const at = new Date(iso);
  return { day: at.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" }),
    time: at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) };
}
