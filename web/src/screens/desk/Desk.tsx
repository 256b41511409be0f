// The reception desk (receptionist, admin): find or register a patient, today per doctor (the
// live line and the appointments), tickets and bookings, and the operations kept while offline
// with their results. Keyboard first: the search field has the focus on load, Enter acts,
// Escape closes dialogs. Works offline: see lib/sync.ts, lib/local.ts and actions.ts.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema/appointments";
import { strings, t } from "../../i18n";
import { call } from "../../lib/call";
import { db } from "../../lib/db";
import { Alert } from "../../ui/feedback";
import { Appointments } from "./Appointments";
import { LinePanel } from "./LinePanel";
import { OpsList } from "./OpsList";
import { PatientFinder, type Patient } from "./PatientFinder";
import { SyncBanner } from "./SyncBanner";
import "./desk.css";

const s = strings.desk;
export type Doctor = components["schemas"]["DoctorPublic"];
const DOCTORS = "desk.doctors";
const CHOSEN = "desk.doctor";

function useDoctors(): Doctor[] {
  const [doctors, setDoctors] = useState<Doctor[]>([]);
  useEffect(() => {
    void (async () => {
      const got = await call(() => api.appointments.GET("/api/appointments/doctors", { params: { query: { limit: 100 } } }));
      if (got.ok) {
        setDoctors(got.data.items);
        await db.meta.put({ key: DOCTORS, value: got.data.items });
      } else {
        const kept = await db.meta.get(DOCTORS);
        setDoctors((kept?.value as Doctor[] | undefined) ?? []);
      }
    })();
  }, []);
  return doctors;
}

export function doctorName(doctors: Doctor[], id: unknown): string {
  return doctors.find((d) => d.id === id)?.full_name ?? String(id ?? "");
}

export function Desk() {
  const doctors = useDoctors();
  const [doctorId, setDoctorId] = useState<string>("");
  const [patient, setPatient] = useState<Patient | null>(null);
  const [notice, setNotice] = useState<{ text: string; kind: "ok" | "error" } | null>(null);
  useEffect(() => { // the doctor chosen last (kept across reloads, offline too), else the first
    if (doctorId || !doctors[0]) return;
    void db.meta.get(CHOSEN).then((kept) => {
      const known = doctors.find((d) => d.id === kept?.value);
      setDoctorId((chosen) => chosen || (known?.id ?? doctors[0]!.id)); // unless chosen meanwhile
    });
  }, [doctors]);
  const choose = (id: string) => { setDoctorId(id); void db.meta.put({ key: CHOSEN, value: id }); };

  const say = (text: string, kind: "ok" | "error" = "ok") => setNotice({ text, kind });

  return (
    <main id="main" class="desk">
      <h1>{s.heading}</h1>
      <SyncBanner />
      <div aria-live="polite">{notice && <Alert kind={notice.kind}>{notice.text}</Alert>}</div>
      <PatientFinder selected={patient} onSelect={setPatient} say={say} />
      <section aria-labelledby="desk-today">
        <h2 id="desk-today">{s.todayHeading}</h2>
        <div class="pick">
          <label for="desk-doctor">{s.doctor}</label>
          <select id="desk-doctor" value={doctorId} onChange={(e) => choose(e.currentTarget.value)}>
            {!doctors.length && <option value="">{s.noDoctors}</option>}
            {doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {t(s.doctorOption, { name: d.full_name, department: d.department ?? "", room: d.room ?? "" })}
              </option>
            ))}
          </select>
        </div>
        <div class="today-grid">
          <LinePanel doctorId={doctorId || null} doctors={doctors} patient={patient} say={say} />
          <Appointments doctorId={doctorId || null} patient={patient} say={say} />
        </div>
      </section>
      <OpsList say={say} />
    </main>
  );
}
