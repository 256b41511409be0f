// A doctor's free slots on a day (GET /api/appointments/doctors/{id}/slots?date=), read again
// when `reload` changes (after a 409: the slot was just taken). `offline`: no answer at all.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { call } from "./call";

export interface Slot { start: string; end: string; available: boolean }

export function useFreeSlots(doctorId: string, day: string, { reload = 0, futureOnly = false } = {}) {
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [offline, setOffline] = useState(false);

  useEffect(() => {
    let live = true;
    setBusy(true); setError(null);
    void call(() => api.appointments.GET("/api/appointments/doctors/{doctor_id}/slots", {
      params: { path: { doctor_id: doctorId }, query: { date: day } } })).then((got) => {
      if (!live) return;
      setBusy(false);
      const now = Date.now();
      if (got.ok) {
        setSlots(got.data.slots.filter((x) => x.available && (!futureOnly || new Date(x.start).getTime() > now)));
        setOffline(false);
      } else if (got.status === undefined) { setSlots(null); setOffline(true); }
      else { setSlots(null); setError(got.message); }
    });
    return () => { live = false; };
  }, [doctorId, day, reload]);

  return { slots, busy, error, offline };
}
