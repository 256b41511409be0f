// A doctor's schedule: GET (admin, receptionist, that doctor) and PUT (admin, that doctor)
// /api/appointments/doctors/{id}/schedule.
import { api } from "../api/client";
import { call, type Outcome } from "./call";
import type { Schedule } from "./schedule";

export function getSchedule(doctorId: string): Promise<Outcome<Schedule>> {
  return call(() => api.appointments.GET("/api/appointments/doctors/{doctor_id}/schedule", {
    params: { path: { doctor_id: doctorId } } }));
}

export function putSchedule(doctorId: string, body: Omit<Schedule, "timezone">): Promise<Outcome<Schedule>> {
  return call(() => api.appointments.PUT("/api/appointments/doctors/{doctor_id}/schedule", {
    params: { path: { doctor_id: doctorId } }, body }));
}
