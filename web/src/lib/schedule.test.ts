import { describe, expect, it } from "vitest";
import { fromForm, fromLocalInput, toForm, weekRows } from "./schedule";

describe("schedule form <-> API", () => {
  const api = {
    slot_minutes: 20,
    weekly: [{ weekday: 2, start: "14:00:00", end: "17:00:00" }, { weekday: 0, start: "09:00", end: "12:00" }],
    time_off: [],
  };

  it("turns the API's schedule into form rows, sorted, times as HH:MM", () => {
    const form = toForm(api);
    expect(form.slotMinutes).toBe("20");
    expect(form.weekly).toEqual([{ weekday: "0", start: "09:00", end: "12:00" },
      { weekday: "2", start: "14:00", end: "17:00" }]);
  });

  it("turns the form back into the PUT body", () => {
    const body = fromForm({ slotMinutes: "15", weekly: [{ weekday: "4", start: "08:30", end: "12:00" }],
      timeOff: [{ start: "", end: "" }] });
    expect(body).toEqual({ slot_minutes: 15, weekly: [{ weekday: 4, start: "08:30", end: "12:00" }], time_off: [] });
  });

  it("writes a datetime-local value with an explicit offset", () => {
    expect(fromLocalInput("2026-12-24T09:00", 180)).toBe("2026-12-24T09:00:00+03:00");
    expect(fromLocalInput("2026-12-24T09:05", -90)).toBe("2026-12-24T09:05:00-01:30");
    expect(fromLocalInput("2026-12-24T09:00", 0)).toBe("2026-12-24T09:00:00+00:00");
  });

  it("round-trips time off through the browser's zone", () => {
    const form = toForm({ ...api, time_off: [{ start: "2026-12-24T06:00:00Z", end: "2026-12-26T06:00:00Z" }] });
    const back = fromForm(form).time_off[0]!;
    expect(new Date(back.start).toISOString()).toBe("2026-12-24T06:00:00.000Z");
    expect(new Date(back.end).toISOString()).toBe("2026-12-26T06:00:00.000Z");
  });

  it("lists each weekday with its ranges for the read view", () => {
    const rows = weekRows(api.weekly);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({ weekday: 0, ranges: "09:00–12:00" });
    expect(rows[1]!.ranges).toBe("");
    expect(rows[2]!.ranges).toBe("14:00–17:00");
  });
});
