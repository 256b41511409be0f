// Doctors' weekly hours and time off: pick a doctor, edit the ranges, save (PUT replaces all).
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema/appointments";
import { strings, t } from "../../i18n";
import { call } from "../../lib/call";
import { EMPTY_FORM, fromForm, type ScheduleForm, toForm } from "../../lib/schedule";
import { getSchedule, putSchedule } from "../../lib/schedule-api";
import { Alert, Busy } from "../../ui/feedback";

type Doctor = components["schemas"]["DoctorPublic"];
const s = strings.admin;

export function Schedules() {
  const [doctors, setDoctors] = useState<Doctor[]>([]);
  const [doctorId, setDoctorId] = useState("");
  const [form, setForm] = useState<ScheduleForm | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void call(() => api.appointments.GET("/api/appointments/doctors", { params: { query: { limit: 100 } } }))
      .then((got) => { if (got.ok) setDoctors(got.data.items); else setFailure(got.message); });
  }, []);

  async function pick(id: string) {
    setDoctorId(id); setForm(null); setNotice(null); setFailure(null);
    if (!id) return;
    setBusy(true);
    const got = await getSchedule(id);
    setBusy(false);
    if (got.ok) setForm(toForm(got.data));
    else if (got.status === 404) { setForm(EMPTY_FORM); setNotice(s.noScheduleYet); }
    else setFailure(got.message);
  }

  async function save(event: Event) {
    event.preventDefault();
    if (!form) return;
    setBusy(true); setFailure(null); setNotice(null);
    const got = await putSchedule(doctorId, fromForm(form));
    setBusy(false);
    const name = doctors.find((d) => d.id === doctorId)?.full_name ?? "";
    if (got.ok) { setForm(toForm(got.data)); setNotice(t(s.scheduleSaved, { name })); } else setFailure(got.message);
  }

  const week = (i: number, key: "weekday" | "start" | "end", value: string) => form &&
    setForm({ ...form, weekly: form.weekly.map((r, j) => (j === i ? { ...r, [key]: value } : r)) });
  const off = (i: number, key: "start" | "end", value: string) => form &&
    setForm({ ...form, timeOff: form.timeOff.map((r, j) => (j === i ? { ...r, [key]: value } : r)) });

  return (
    <section aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">{s.schedulesHeading}</h2>
      <label for="schedule-doctor">{s.doctor}</label>
      <select id="schedule-doctor" value={doctorId} onChange={(e) => void pick(e.currentTarget.value)}>
        <option value="">{s.pickDoctor}</option>
        {doctors.map((d) => <option value={d.id}>{d.full_name}{d.room ? ` (${d.room})` : ""}</option>)}
      </select>
      <Busy active={busy} />
      {failure && <Alert>{failure}</Alert>}
      <div aria-live="polite">{notice && <Alert kind="ok">{notice}</Alert>}</div>
      {form && (
        <form onSubmit={save} class="panel">
          <label for="slot-minutes">{s.slotMinutes}</label>
          <input id="slot-minutes" type="number" min={5} max={240} required value={form.slotMinutes}
            onInput={(e) => setForm({ ...form, slotMinutes: e.currentTarget.value })} />
          <h3>{s.weeklyHeading}</h3>
          {form.weekly.map((r, i) => (
            <fieldset class="row" key={i}>
              <legend class="sr-only">{t(s.rangeN, { n: i + 1 })}</legend>
              <div><label for={`wd-${i}`}>{s.weekday}</label>
                <select id={`wd-${i}`} value={r.weekday} onChange={(e) => week(i, "weekday", e.currentTarget.value)}>
                  {s.weekdays.map((name, d) => <option value={String(d)}>{name}</option>)}
                </select></div>
              <div><label for={`ws-${i}`}>{s.from}</label>
                <input id={`ws-${i}`} type="time" required value={r.start} onInput={(e) => week(i, "start", e.currentTarget.value)} /></div>
              <div><label for={`we-${i}`}>{s.to}</label>
                <input id={`we-${i}`} type="time" required value={r.end} onInput={(e) => week(i, "end", e.currentTarget.value)} /></div>
              <button type="button" class="secondary" onClick={() => setForm({ ...form, weekly: form.weekly.filter((_, j) => j !== i) })}>
                {t(s.removeRange, { n: i + 1 })}</button>
            </fieldset>
          ))}
          <button type="button" class="secondary"
            onClick={() => setForm({ ...form, weekly: [...form.weekly, { weekday: "0", start: "09:00", end: "17:00" }] })}>
            {s.addHours}</button>
          <h3>{s.timeOffHeading}</h3>
          {form.timeOff.map((r, i) => (
            <fieldset class="row" key={i}>
              <legend class="sr-only">{t(s.timeOffN, { n: i + 1 })}</legend>
              <div><label for={`os-${i}`}>{s.from}</label>
                <input id={`os-${i}`} type="datetime-local" required value={r.start} onInput={(e) => off(i, "start", e.currentTarget.value)} /></div>
              <div><label for={`oe-${i}`}>{s.to}</label>
                <input id={`oe-${i}`} type="datetime-local" required value={r.end} onInput={(e) => off(i, "end", e.currentTarget.value)} /></div>
              <button type="button" class="secondary" onClick={() => setForm({ ...form, timeOff: form.timeOff.filter((_, j) => j !== i) })}>
                {t(s.removeTimeOff, { n: i + 1 })}</button>
            </fieldset>
          ))}
          <button type="button" class="secondary"
            onClick={() => setForm({ ...form, timeOff: [...form.timeOff, { start: "", end: "" }] })}>{s.addTimeOff}</button>
          <div class="actions"><button type="submit" disabled={busy}>{s.saveSchedule}</button></div>
        </form>
      )}
    </section>
  );
}
