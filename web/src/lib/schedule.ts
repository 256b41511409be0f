// A doctor's weekly hours and time off: the API's shape <-> the admin form's, and the read
// view's rows. Pure: tested in schedule.test.ts.

export interface WeeklyRange { weekday: number; start: string; end: string }
export interface TimeOffRange { start: string; end: string }
export interface Schedule {
  slot_minutes: number;
  weekly: WeeklyRange[];
  time_off: TimeOffRange[];
  timezone?: string;
}

/** The form: one row per range, times as typed (HH:MM), time off as datetime-local values. */
export interface ScheduleForm {
  slotMinutes: string;
  weekly: { weekday: string; start: string; end: string }[];
  timeOff: { start: string; end: string }[];
}

export const EMPTY_FORM: ScheduleForm = { slotMinutes: "15", weekly: [], timeOff: [] };

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO instant as a datetime-local value in this browser's zone: 2026-12-24T09:00. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an instant with this browser's offset: 2026-12-24T09:00:00+03:00. */
export function fromLocalInput(value: string, offsetMinutes?: number): string {
  const [day, time = "00:00"] = value.split("T");
  const [y, m, d] = (day ?? "").split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const offset = offsetMinutes ?? -new Date(y, m - 1, d, hh, mm).getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${day}T${pad(hh)}:${pad(mm)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "09:00:00" or "09:00" -> "09:00". */
export function hhmm(value: string): string {
  return value.slice(0, 5);
}

export function toForm(schedule: Schedule): ScheduleForm {
  return {
    slotMinutes: String(schedule.slot_minutes),
    weekly: sortWeekly(schedule.weekly).map((r) => ({ weekday: String(r.weekday), start: hhmm(r.start), end: hhmm(r.end) })),
    timeOff: schedule.time_off.map((r) => ({ start: toLocalInput(r.start), end: toLocalInput(r.end) })),
  };
}

export function fromForm(form: ScheduleForm): Omit<Schedule, "timezone"> {
  return {
    slot_minutes: Number(form.slotMinutes),
    weekly: form.weekly.map((r) => ({ weekday: Number(r.weekday), start: hhmm(r.start), end: hhmm(r.end) })),
    time_off: form.timeOff.filter((r) => r.start && r.end)
      .map((r) => ({ start: fromLocalInput(r.start), end: fromLocalInput(r.end) })),
  };
}

export function sortWeekly(weekly: WeeklyRange[]): WeeklyRange[] {
  return [...weekly].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
}

/** The read view: each weekday (Monday first) with its ranges, "09:00–12:00, 14:00–17:00". */
export function weekRows(weekly: WeeklyRange[]): { weekday: number; ranges: string }[] {
  const rows: { weekday: number; ranges: string }[] = [];
  for (let day = 0; day < 7; day++) {
    const ranges = sortWeekly(weekly).filter((r) => r.weekday === day)
      .map((r) => `${hhmm(r.start)}–${hhmm(r.end)}`);
    rows.push({ weekday: day, ranges: ranges.join(", ") });
  }
  return rows;
}
