// Find patients: GET /api/auth/patients?q= (receptionist, admin; patients only). The route is
// new; until the generated schema has it, the call is cast.
import { api } from "../../api/client";
import { call, type Outcome } from "../../lib/call";
import type { User } from "./StaffRow";

export interface PatientPage { items: User[]; total: number; limit: number; offset: number }

type Get = (path: string, init: { params: { query: { q: string; limit: number; offset: number } } }) =>
  Promise<{ data?: PatientPage; error?: unknown; response: Response }>;

export function findPatients(q: string, limit = 20, offset = 0): Promise<Outcome<PatientPage>> {
  const get = api.auth.GET as unknown as Get;
  return call(() => get("/api/auth/patients", { params: { query: { q, limit, offset } } }));
}
