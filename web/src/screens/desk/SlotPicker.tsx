// A doctor's free slots on a day (GET /api/appointments/doctors/{id}/slots?date=), as radio
// buttons; offline, a start time typed in instead (the server checks it when the desk is back).
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings } from "../../i18n";
import { call, clock, isoDay } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";

const s = strings.desk;

interface Slot { start: string; end: string; available: boolean }

export function SlotPicker({ doctorId, value, onChange }: {
  doctorId: string; value: string; onChange: (start: string) => void;
}) {
  const [day, setDay] = useState(isoDay());
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [offline, setOffline] = useState(false);
  const [time, setTime] = useState("");

  useEffect(() => {
    let live = true;
    setBusy(true); setError(null);
    void call(() => api.appointments.GET("/api/appointments/doctors/{doctor_id}/slots", {
      params: { path: { doctor_id: doctorId }, query: { date: day } } })).then((got) => {
      if (!live) return;
      setBusy(false);
      if (got.ok) { setSlots(got.data.slots.filter((x) => x.available)); setOffline(false); }
      else if (got.status === undefined) { setSlots(null); setOffline(true); }
      else setError(got.message);
    });
    return () => { live = false; };
  }, [doctorId, day]);

  function typed(next: string) {
    setTime(next);
    if (next) onChange(new Date(`${day}T${next}`).toISOString());
  }

  return (
    <div>
      <label for="slot-day">{s.date}</label>
      <input id="slot-day" type="date" value={day} onChange={(e) => { setDay(e.currentTarget.value); onChange(""); }} />
      <Busy active={busy} label={s.loadingSlots} />
      {error && <Alert>{error}</Alert>}
      {offline && (
        <>
          <p>{s.slotsOffline}</p>
          <label for="slot-time">{s.startTime}</label>
          <input id="slot-time" type="time" value={time} onChange={(e) => typed(e.currentTarget.value)} />
        </>
      )}
      {slots && (
        <fieldset>
          <legend>{s.slots}</legend>
          {!slots.length && <p>{s.noSlots}</p>}
          <div class="slots">
            {slots.map((slot) => (
              <label key={slot.start} class="slot">
                <input type="radio" name="slot" value={slot.start} checked={value === slot.start}
                  onChange={() => onChange(slot.start)} /> {clock(slot.start)}
              </label>
            ))}
          </div>
        </fieldset>
      )}
    </div>
  );
}
