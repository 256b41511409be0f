import { describe, expect, it } from "vitest";
import { asOfText, dayTime, latest } from "./asof";

describe("as-of times", () => {
  it("says the time alone today, the day too otherwise", () => {
    const now = new Date(2026, 11, 6, 15, 0);
    expect(asOfText(new Date(2026, 11, 6, 9, 5).toISOString(), now)).toMatch(/09[:.]05/);
    const other = asOfText(new Date(2026, 11, 5, 9, 5).toISOString(), now)!;
    expect(other).toMatch(/5/);
    expect(other).toMatch(/Dec/);
    expect(other).toMatch(/09[:.]05/);
  });

  it("has nothing to say without a time", () => {
    expect(asOfText(null)).toBeNull();
    expect(asOfText("not a date")).toBeNull();
  });

  it("picks the latest stamp", () => {
    expect(latest(["2026-12-06T10:00:00.000Z", null, "2026-12-06T11:00:00.000Z", undefined]))
      .toBe("2026-12-06T11:00:00.000Z");
    expect(latest([null, undefined])).toBeNull();
  });

  it("gives a day and a time", () => {
    const { day, time } = dayTime(new Date(2026, 11, 7, 10, 30).toISOString());
    expect(day).toMatch(/7/);
    expect(time).toMatch(/10[:.]30/);
  });
});
