// The reports as charts: which numbers each report draws, a row's label, chart.js's data, and
// the CSV file's name. Pure: tested in reports.test.ts.

export const REPORTS = {
  appointments: { path: "/api/reports/appointments", groups: ["day", "doctor", "status"] },
  "no-shows": { path: "/api/reports/no-shows", groups: ["doctor", "patient", "day"] },
  penalties: { path: "/api/reports/penalties", groups: ["patient", "doctor"] },
  queue: { path: "/api/reports/queue", groups: [] },
  notifications: { path: "/api/reports/notifications", groups: [] },
} as const;

export type ReportName = keyof typeof REPORTS;
export type Row = Record<string, unknown>;

/** The counts a report's chart draws, per grouping. */
export function seriesOf(name: ReportName, groupBy: string | null): string[] {
  switch (name) {
    case "appointments":
      return groupBy === "status" ? ["appointments"] : ["booked", "checked_in", "completed", "no_show", "cancelled"];
    case "no-shows": return ["no_shows", "due"];
    case "penalties": return ["active", "waived"];
    case "queue": return ["served", "missed", "cancelled"];
    case "notifications": return ["sent", "failed", "capped", "deduplicated"];
  }
}

const text = (value: unknown): string => (value === null || value === undefined ? "" : String(value));

/** What a row is about, as people read it: a doctor's or patient's name, a day, a status, a channel. */
export function rowLabel(row: Row, words: (key: string) => string = (k) => k): string {
  const person = text(row.doctor_name ?? row.patient_name ?? row.doctor_id ?? row.patient_id);
  if ("channel" in row) return `${text(row.channel)} · ${text(row.kind)}`;
  if ("status" in row) return words(text(row.status));
  if (person && "day" in row) return `${person} · ${text(row.day)}`;
  return person || text(row.day);
}

export interface ChartData {
  labels: string[];
  datasets: { key: string; label: string; data: number[] }[];
}

/** chart.js's labels and datasets (one per count), a missing or null count drawn as 0. */
export function chartData(name: ReportName, groupBy: string | null, rows: Row[],
                          words: (key: string) => string = (k) => k): ChartData {
  return {
    labels: rows.map((row) => rowLabel(row, words)),
    datasets: seriesOf(name, groupBy).map((key) => ({
      key, label: words(key), data: rows.map((row) => Number(row[key] ?? 0) || 0),
    })),
  };
}

/** The downloaded file: appointments-2026-11-01-2026-11-30.csv (the server's name when it gives one). */
export function csvFileName(name: ReportName | "audit", from: string, to: string, disposition?: string | null): string {
  const given = disposition?.match(/filename="?([^";]+)"?/i)?.[1];
  if (given && /^[\w.-]+\.csv$/.test(given)) return given;
  return `${name}-${from}-${to}.csv`;
}
