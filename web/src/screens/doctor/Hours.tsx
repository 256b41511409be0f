// My weekly hours (read only: the admin changes them), with slot length and time off.
import { useEffect, useState } from "preact/hooks";
import { strings, t } from "../../i18n";
import { stamp } from "../../lib/call";
import { type Schedule, weekRows } from "../../lib/schedule";
import { getSchedule } from "../../lib/schedule-api";
import { Alert, Busy } from "../../ui/feedback";

const s = strings.doctor;

export function Hours({ doctorId }: { doctorId: string }) {
  const [schedule, setSchedule] = useState<Schedule | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);

  useEffect(() => {
    void getSchedule(doctorId).then((got) => {
      setBusy(false);
      if (got.ok) setSchedule(got.data);
      else setFailure(got.status === 404 ? s.hoursNone : got.message);
    });
  }, [doctorId]);

  return (
    <section class="panel" aria-labelledby="hours-heading">
      <h2 id="hours-heading">{s.hoursHeading}</h2>
      <Busy active={busy} />
      {failure && <Alert kind={failure === s.hoursNone ? "info" : "error"}>{failure}</Alert>}
      {schedule && (
        <>
          <p>{t(s.slotLength, { minutes: schedule.slot_minutes })}</p>
          <table>
            <thead><tr><th scope="col">{s.colDay}</th><th scope="col">{s.colHours}</th></tr></thead>
            <tbody>
              {weekRows(schedule.weekly).map((row) => (
                <tr key={row.weekday}><td>{strings.admin.weekdays[row.weekday]}</td>
                  <td>{row.ranges || s.dayOff}</td></tr>
              ))}
            </tbody>
          </table>
          <h3>{s.timeOffHeading}</h3>
          {schedule.time_off.length === 0 ? <p>{s.timeOffNone}</p> : (
            <ul>{schedule.time_off.map((r) => <li key={r.start}>{stamp(r.start)} – {stamp(r.end)}</li>)}</ul>
          )}
        </>
      )}
    </section>
  );
}
