import { describe, expect, it } from "vitest";
import { currentTicket, roomOf, ticketOf } from "./ticket";

const t = (id: string, fields: Record<string, unknown>) =>
  ({ id, fields: { doctor_id: "d1", patient_id: "me", clinic_day: "2026-12-06", ...fields } });

describe("the patient's ticket", () => {
  it("reads number, place, people ahead and wait", () => {
    expect(ticketOf(t("a", { label: "A-7", number: 7, status: "waiting", position: 3, people_ahead: 2, eta_minutes: 20 })))
      .toMatchObject({ label: "A-7", position: 3, peopleAhead: 2, etaMinutes: 20, state: "waiting" });
    expect(ticketOf(t("a", { number: 7, position: 4 }))).toMatchObject({ label: "7", peopleAhead: 3, etaMinutes: null });
    expect(ticketOf({ id: "x", fields: {} })).toBeNull();
  });

  it("shows the active ticket (called first), else today's closed one", () => {
    const records = [t("old", { status: "served", called_at: "2026-12-06T08:00:00Z" }),
      t("w", { status: "waiting", arrived_at: "2026-12-06T09:00:00Z" }),
      t("c", { status: "called", called_at: "2026-12-06T09:30:00Z" })];
    expect(currentTicket(records, "me", "2026-12-06")?.id).toBe("c");
    expect(currentTicket(records.slice(0, 1), "me", "2026-12-06")).toMatchObject({ id: "old", state: "served" });
    expect(currentTicket(records.slice(0, 1), "me", "2026-12-07")).toBeNull();
    expect(currentTicket([t("x", { status: "waiting", patient_id: "other" })], "me", "2026-12-06")).toBeNull();
  });

  it("says a left or cancelled ticket left, a closed one done", () => {
    expect(ticketOf(t("a", { status: "cancelled" }))?.state).toBe("left");
    expect(ticketOf(t("a", { status: "left" }))?.state).toBe("left");
    expect(ticketOf(t("a", { status: "closed" }))?.state).toBe("served");
    expect(ticketOf(t("a", { status: "missed" }))?.state).toBe("missed");
  });

  it("names the room: the ticket's, the line's, the doctor's", () => {
    const ticket = ticketOf(t("a", { status: "called" }))!;
    expect(roomOf(ticket, "7", "5")).toBe("7");
    expect(roomOf(ticket, null, "5")).toBe("5");
    expect(roomOf({ ...ticket, room: "2" }, "7", "5")).toBe("2");
  });
});
