// A doctor's free slots on a day (GET /api/appointments/doctors/{id}/slots?date=), as radio
// buttons; offline, a start time typed in instead (the server checks it when the desk is back).
import { useState } from "preact/hooks";
import { strings } from "../../i18n";
import { clock, isoDay } from "../../lib/call";
import { useFreeSlots } from "../../lib/slots";
import { Alert, Busy } from "../../ui/feedback";

const s = strings.desk;

export function SlotPicker({ doctorId, value, onChange }: {
  doctorId: string; value: string; onChange: (start: string) => void;
}) {
  const [day, setDay] = useState(isoDay());
  const { slots, busy, error, offline } = useFreeSlots(doctorId, day);
  const [time, setTime] = useState("");

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
