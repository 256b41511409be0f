// /patient/book: a doctor (by department), a day, a free time, an optional reason; booked with
// an Idempotency-Key kept until the clinic answered, so "Try again" after the network dropped
// mid-request cannot book twice. Refusals in plain words; a slot taken meanwhile reads the free
// times again. After the first booking on this phone, the app asks about phone notifications.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../../api/client";
import { t } from "../../i18n";
import { call, isoDay } from "../../lib/call";
import { cacheServer } from "../../lib/local";
import { sync } from "../../lib/sync";
import { Alert, Busy } from "../../ui/feedback";
import { byDepartment, type DoctorInfo } from "../agenda";
import { visits } from "../i18n/visits";
import { askForPush } from "../push";
import { refusal, type Refusal } from "../refusal";
import { keepers, loadDoctors } from "./data";
import { Slots } from "./Slots";
import { whenText } from "./VisitList";

const s = visits.book;

function optionText(d: DoctorInfo): string {
  return d.room ? t(s.doctorOption, { name: d.full_name, room: d.room }) : d.full_name;
}


export function Book() {
  const { route } = useLocation();
  const online = sync.online.value;
  const [doctors, setDoctors] = useState<DoctorInfo[] | null>(null);
  const [fresh, setFresh] = useState(true);
  const [department, setDepartment] = useState("");
  const [doctorId, setDoctorId] = useState("");
  const [day, setDay] = useState(isoDay());
  const [start, setStart] = useState("");
  const [reason, setReason] = useState("");
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Refusal | null>(null);

  useEffect(() => {
    void loadDoctors().then((got) => { setDoctors(got.doctors); setFresh(got.fresh); });
  }, [online]);

  const groups = byDepartment(doctors ?? [], s.noDepartment);
  const shown = department ? groups.filter(([name]) => name === department) : groups;
  const doctor = doctors?.find((d) => d.id === doctorId) ?? null;

  async function book() {
    if (!doctorId || !start || busy) return;
    const body = { doctor_id: doctorId, start, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    const key = await keepers.book.keyFor(body);
    setBusy(true);
    setOutcome(null);
    const got = await call(() => api.appointments.POST("/api/appointments", {
      body, params: { header: { "Idempotency-Key": key } } }));
    setBusy(false);
    if (got.ok) {
      await keepers.book.done();
      await cacheServer("appointment", got.data.id, { ...got.data });
      route(`/patient/visits/${got.data.id}?booked=1`);
      // the question about phone notifications: after the first booking only (push.ts keeps
      // that it asked); its outcome shows on the Me screen
      void askForPush({ fromBooking: true }).catch(() => undefined);
      return;
    }
    const why = refusal(got.status, got.problem, got.message);
    if (why.kind !== "unconfirmed") await keepers.book.done(); // answered: a new attempt next
    if (why.kind === "taken") { setStart(""); setReload((n) => n + 1); }
    setOutcome(why);
  }

  return (
    <main id="main" class="stack">
      <h1>{s.heading}</h1>
      {!online && <Alert kind="info">{s.offline}</Alert>}
      <Busy active={doctors === null} />
      {doctors !== null && !fresh && !doctors.length && <p>{s.doctorsOffline}</p>}
      <form class="stack" onSubmit={(e) => { e.preventDefault(); void book(); }}>
        <label for="book-department">{s.department}</label>
        <select id="book-department" value={department}
          onChange={(e) => { setDepartment(e.currentTarget.value); setDoctorId(""); setStart(""); }}>
          <option value="">{s.allDepartments}</option>
          {groups.map(([name]) => <option key={name} value={name}>{name}</option>)}
        </select>
        <label for="book-doctor">{s.doctor}</label>
        <select id="book-doctor" value={doctorId}
          onChange={(e) => { setDoctorId(e.currentTarget.value); setStart(""); setOutcome(null); }}>
          <option value="">{s.chooseDoctor}</option>
          {shown.map(([name, list]) => (
            <optgroup key={name} label={name}>
              {list.map((d) => <option key={d.id} value={d.id}>{optionText(d)}</option>)}
            </optgroup>
          ))}
        </select>
        {doctorId && (
          <Slots doctorId={doctorId} day={day} onDay={setDay} value={start} idPrefix="book"
            onChange={(v) => { setStart(v); if (v) setOutcome(null); }} reload={reload} />
        )}
        {doctorId && (
          <>
            <label for="book-reason">{s.reason}</label>
            <textarea id="book-reason" rows={2} maxLength={500} value={reason}
              onInput={(e) => setReason(e.currentTarget.value)} />
          </>
        )}
        {outcome && (
          <Alert>
            {outcome.text}
            {outcome.kind === "unconfirmed" && (
              <p><button type="button" onClick={() => void book()} disabled={busy}>{s.tryAgain}</button></p>
            )}
          </Alert>
        )}
        {doctor && start && <p><strong>{t(s.summary, { doctor: doctor.full_name, when: whenText(start) })}</strong></p>}
        <Busy active={busy} label={s.booking} />
        <button type="submit" disabled={!doctorId || !start || busy}>{s.submit}</button>
      </form>
    </main>
  );
}
