// Find patients: GET /api/auth/patients?q= (receptionist, admin; patients only).
import { api } from "../../api/client";
import { call, type Outcome } from "../../lib/call";
import type { User } from "./StaffRow";

export interface PatientPage { items: User[]; total: number; limit: number; offset: number }

export function findPatients(q: string, limit = 20, offset = 0): Promise<Outcome<PatientPage>> {
  return call(() => api.auth.GET("/api/auth/patients", { params: { query: { q, limit, offset } } }));
}
