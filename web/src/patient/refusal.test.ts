import { describe, expect, it } from "vitest";
import { visits } from "./i18n/visits";
import { refusal } from "./refusal";

describe("a refused booking in plain words", () => {
  it("says a dropped connection may be tried again", () => {
    expect(refusal(undefined, null, "away")).toEqual({ kind: "unconfirmed", text: visits.book.unconfirmed });
  });

  it("says a slot was just taken", () => {
    expect(refusal(409, { status: 409, detail: "That slot is already taken." }, "x").kind).toBe("taken");
  });

  it("names the cap, the horizon and the penalty with their numbers", () => {
    const cap = refusal(409, { detail: "The patient already has 3 ...", active_bookings: 3, limit: 3 }, "x");
    expect(cap.kind).toBe("cap");
    expect(cap.text).toContain("3 upcoming visits");
    const horizon = refusal(422, { detail: "...", horizon_days: 90, latest_start: "2027-03-06" }, "x");
    expect(horizon).toMatchObject({ kind: "horizon" });
    expect(horizon.text).toContain("90 days");
    const penalty = refusal(403, { detail: "...", active_penalties: 3, limit: 3, window_days: 90 }, "x");
    expect(penalty.kind).toBe("penalty");
    expect(penalty.text).toContain("missed 3 visits in the last 90 days");
  });

  it("gives any other refusal the service's own words", () => {
    const other = refusal(409, { detail: "The patient already has an appointment at that time." }, "The words");
    expect(other).toEqual({ kind: "other", text: "The words" });
    expect(refusal(429, { detail: "You have cancelled 3" }, "You have cancelled 3").kind).toBe("other");
  });
});
