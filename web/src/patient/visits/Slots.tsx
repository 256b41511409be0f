// A day (today .. the booking horizon) and that day's free times of one doctor, as large radio
// buttons. `reload` read again (after a 409: the slot was just taken).
import { t } from "../../i18n";
import { clock, isoDay, shiftDay } from "../../lib/call";
import { useFreeSlots } from "../../lib/slots";
import { Alert, Busy } from "../../ui/feedback";
import { visits } from "../i18n/visits";

const s = visits.book;
/** The appointments service's default booking horizon (APPOINTMENTS_BOOKING_HORIZON_DAYS);
 *  a clinic that set a shorter one answers 422, said in plain words. */
export const HORIZON_DAYS = 90;

export function Slots({ doctorId, day, onDay, value, onChange, reload, idPrefix }: {
  doctorId: string; day: string; onDay: (day: string) => void; value: string;
  onChange: (start: string) => void; reload: number; idPrefix: string;
}) {
  const { slots, busy, error, offline } = useFreeSlots(doctorId, day, { reload, futureOnly: true });
  const today = isoDay();

  return (
    <div>
      <label for={`${idPrefix}-day`}>{s.day}</label>
      <input id={`${idPrefix}-day`} type="date" value={day} min={today} max={shiftDay(today, HORIZON_DAYS)}
        aria-describedby={`${idPrefix}-day-hint`}
        onChange={(e) => { if (e.currentTarget.value) { onDay(e.currentTarget.value); onChange(""); } }} />
      <p id={`${idPrefix}-day-hint`} class="asof">{t(s.dayHint, { days: HORIZON_DAYS })}</p>
      <Busy active={busy} label={s.loadingSlots} />
      {error && <Alert>{error}</Alert>}
      {offline && <p>{s.slotsOffline}</p>}
      {slots && (
        <fieldset class="slot-set">
          <legend>{s.slots}</legend>
          {!slots.length && <p>{s.noSlots}</p>}
          <div class="slots">
            {slots.map((slot) => (
              <label key={slot.start} class="slot">
                <input type="radio" name={`${idPrefix}-slot`} value={slot.start} checked={value === slot.start}
                  onChange={() => onChange(slot.start)} /> {clock(slot.start)}
              </label>
            ))}
          </div>
        </fieldset>
      )}
    </div>
  );
}
