import { describe, expect, it } from "vitest";
import { chartData, csvFileName, rowLabel, seriesOf } from "./reports";

describe("reports as charts", () => {
  it("draws the status counts per doctor, named", () => {
    const rows = [
      { doctor_id: "d1", doctor_name: "Dr A", booked: 1, checked_in: 2, completed: 3, no_show: 0, cancelled: 1, total: 7 },
      { doctor_id: "d2", doctor_name: null, booked: 0, checked_in: 0, completed: 1, no_show: 2, cancelled: 0, total: 3 },
    ];
    const data = chartData("appointments", "doctor", rows);
    expect(data.labels).toEqual(["Dr A", "d2"]);
    expect(data.datasets.map((d) => d.key)).toEqual(["booked", "checked_in", "completed", "no_show", "cancelled"]);
    expect(data.datasets[2]!.data).toEqual([3, 1]);
  });

  it("draws one bar per status when grouped by status, in people's words", () => {
    const rows = [{ status: "completed", appointments: 4 }, { status: "no_show", appointments: 1 }];
    const words = (k: string) => ({ completed: "Completed", no_show: "Missed", appointments: "Appointments" })[k] ?? k;
    const data = chartData("appointments", "status", rows, words);
    expect(data.labels).toEqual(["Completed", "Missed"]);
    expect(data.datasets).toEqual([{ key: "appointments", label: "Appointments", data: [4, 1] }]);
  });

  it("labels queue rows by doctor and day, notifications by channel and kind; nulls are 0", () => {
    expect(rowLabel({ doctor_id: "x", doctor_name: "Dr B", day: "2026-12-01", served: 3 })).toBe("Dr B · 2026-12-01");
    expect(rowLabel({ channel: "sms", kind: "appointment_booked", sent: 2 })).toBe("sms · appointment_booked");
    expect(rowLabel({ day: "2026-12-02", booked: 1 })).toBe("2026-12-02");
    const data = chartData("queue", null, [{ doctor_name: "Dr B", day: "2026-12-01", served: null, missed: 2 }]);
    expect(data.datasets.map((d) => d.data[0])).toEqual([0, 2, 0]);
  });

  it("knows each report's counts", () => {
    expect(seriesOf("no-shows", "day")).toEqual(["no_shows", "due"]);
    expect(seriesOf("notifications", null)).toContain("capped");
  });

  it("names the CSV file after the report and period, or as the server says", () => {
    expect(csvFileName("penalties", "2026-11-01", "2026-11-30")).toBe("penalties-2026-11-01-2026-11-30.csv");
    expect(csvFileName("queue", "a", "b", 'attachment; filename="queue-2026-11-07-2026-12-06.csv"'))
      .toBe("queue-2026-11-07-2026-12-06.csv");
    expect(csvFileName("audit", "a", "b", 'attachment; filename="../evil.sh"')).toBe("audit-a-b.csv");
  });
});
