// Read a doctor's schedule: GET /api/appointments/doctors/{id}/schedule (admin, receptionist,
// that doctor). The route is new; until the generated schema has it, the call is cast.
import { api } from "../api/client";
import { call, type Outcome } from "./call";
import type { Schedule } from "./schedule";

type Get = (path: string, init: { params: { path: { doctor_id: string } } }) =>
  Promise<{ data?: Schedule; error?: unknown; response: Response }>;

export function getSchedule(doctorId: string): Promise<Outcome<Schedule>> {
  const get = api.appointments.GET as unknown as Get;
  return call(() => get("/api/appointments/doctors/{doctor_id}/schedule", { params: { path: { doctor_id: doctorId } } }));
}

export function putSchedule(doctorId: string, body: Omit<Schedule, "timezone">): Promise<Outcome<Schedule>> {
  return call(() => api.appointments.PUT("/api/appointments/doctors/{doctor_id}/schedule", {
    params: { path: { doctor_id: doctorId } }, body }));
}
