import { describe, expect, it } from "vitest";
import type { Operation } from "../lib/db";
import { agenda, byDepartment, changeable, latestOp, overlay, visitOf, type DoctorInfo } from "./agenda";

const doctors = new Map<string, DoctorInfo>([
  ["d1", { id: "d1", full_name: "Dr A", department: "Dental", room: "5" }],
]);
const now = new Date("2026-12-06T12:00:00Z");
const rec = (id: string, start: string, status: string, extra: Record<string, unknown> = {}) =>
  ({ id, pending: false, fields: { doctor_id: "d1", patient_id: "me", start,
    end: new Date(new Date(start).getTime() + 15 * 60_000).toISOString(), status, ...extra } });
const op = (seq: number, state: Operation["state"], action = "cancel", id = "a1"): Operation =>
  ({ seq, op_id: `o${seq}`, entity: "appointment", action, id, fields: {}, client_updated_at: "", state });

describe("the patient's visits", () => {
  it("splits upcoming (soonest first) from past (latest first)", () => {
    const { upcoming, past } = agenda([
      rec("late", "2026-12-09T09:00:00Z", "booked"),
      rec("soon", "2026-12-07T09:00:00Z", "booked"),
      rec("done", "2026-12-01T09:00:00Z", "completed"),
      rec("gone", "2026-12-08T09:00:00Z", "cancelled"),
      rec("over", "2026-12-06T08:00:00Z", "booked"), // its time passed: not upcoming
    ], doctors, "me", now);
    expect(upcoming.map((v) => v.id)).toEqual(["soon", "late"]);
    expect(past.map((v) => v.id)).toEqual(["gone", "over", "done"]);
  });

  it("names the doctor, department and room from the doctors' list", () => {
    const v = visitOf(rec("a", "2026-12-07T09:00:00Z", "booked"), doctors)!;
    expect(v).toMatchObject({ doctorName: "Dr A", department: "Dental", room: "5", status: "booked" });
    const unknown = visitOf({ id: "b", fields: { doctor_id: "d9", start: "2026-12-07T09:00:00Z", doctor_name: "Dr Z" } }, doctors)!;
    expect(unknown).toMatchObject({ doctorName: "Dr Z", room: null });
  });

  it("leaves out another patient's records and ones without a time", () => {
    const { upcoming, past } = agenda([rec("x", "2026-12-07T09:00:00Z", "booked", { patient_id: "other" }),
      { id: "y", fields: { doctor_id: "d1" } }], doctors, "me", now);
    expect(upcoming).toEqual([]);
    expect(past).toEqual([]);
  });

  it("shows a waiting cancellation on top of the server's answer", () => {
    expect(overlay({ status: "booked", start: "S" }, [op(1, "pending")], "a1")).toEqual({ status: "cancelled", start: "S" });
    expect(overlay({ status: "booked" }, [op(1, "applied")], "a1")).toEqual({ status: "booked" });
    expect(overlay({ status: "booked" }, [op(1, "pending", "cancel", "a2")], "a1")).toEqual({ status: "booked" });
  });

  it("finds the latest operation kept for a visit", () => {
    expect(latestOp([op(1, "rejected"), op(3, "pending"), op(2, "applied"), op(4, "pending", "cancel", "zz")], "appointment", "a1")?.seq).toBe(3);
    expect(latestOp([], "appointment", "a1")).toBeNull();
  });

  it("lets a patient change only a booked visit whose time has not come", () => {
    expect(changeable(visitOf(rec("a", "2026-12-07T09:00:00Z", "booked"), doctors)!, now)).toBe(true);
    expect(changeable(visitOf(rec("a", "2026-12-05T09:00:00Z", "booked"), doctors)!, now)).toBe(false);
    expect(changeable(visitOf(rec("a", "2026-12-07T09:00:00Z", "cancelled"), doctors)!, now)).toBe(false);
  });

  it("groups doctors by department, the unnamed last", () => {
    const groups = byDepartment([
      { id: "1", full_name: "Zed", department: "Paediatrics", room: null },
      { id: "2", full_name: "Amy", department: null, room: null },
      { id: "3", full_name: "Bea", department: "Dental", room: null },
      { id: "4", full_name: "Abe", department: "Paediatrics", room: null },
    ], "Other");
    expect(groups.map(([k, l]) => [k, l.map((d) => d.full_name)])).toEqual([
      ["Dental", ["Bea"]], ["Paediatrics", ["Abe", "Zed"]], ["Other", ["Amy"]]]);
  });
});
