// /patient/ticket: my ticket once checked in: number, place in line, people ahead, estimated
// wait, kept live by the doctor's line stream (each change reads the ticket again). Called: "It's
// your turn: room N" in large type, announced at once and focused. Served, missed, left: said
// so. No ticket: how one comes (check-in at reception).
import { useLive } from "../../lib/live-query";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../i18n";
import { isoDay } from "../../lib/call";
import { recordsOf } from "../../lib/local";
import { session } from "../../lib/session";
import { sync } from "../../lib/sync";
import { Busy } from "../../ui/feedback";
import type { DoctorInfo } from "../agenda";
import { asOfText } from "../asof";
import { visits } from "../i18n/visits";
import { currentTicket, roomOf } from "../ticket";
import { ASOF, asOfAll, loadDoctors, refreshTicket, stampOf } from "../visits/data";
import { useLineStream } from "./useStream";
import "../visits/visits.css";

const s = visits.turn;

export function Turn() {
  const me = session.current.value?.userId ?? null;
  const online = sync.online.value;
  const [loading, setLoading] = useState(true);
  const [doctors, setDoctors] = useState<DoctorInfo[]>([]);
  const reading = useRef<Promise<unknown> | null>(null);
  const again = useRef(false);

  const reread = () => { // one read at a time; a change meanwhile reads once more
    if (reading.current) { again.current = true; return; }
    reading.current = (async () => {
      do { again.current = false; await refreshTicket(); } while (again.current);
    })().finally(() => { reading.current = null; setLoading(false); });
  };

  useEffect(() => {
    void loadDoctors().then((got) => setDoctors(got.doctors));
    reread();
  }, [online]);

  const tickets = useLive(() => recordsOf("ticket"), [], []);
  const ticket = currentTicket(tickets, me, isoDay());
  const active = ticket && (ticket.state === "waiting" || ticket.state === "called");
  const { connected, room: lineRoom } = useLineStream(active && online ? ticket.doctorId : null, reread);
  // the ticket's own read, else the newest of what the phone knows (the pull fills it too)
  const asOf = useLive(async () => asOfText((await stampOf(ASOF.ticket)) ?? (await asOfAll())),
    [loading, tickets], null as string | null);
  const doctor = ticket ? doctors.find((d) => d.id === ticket.doctorId) ?? null : null;
  const room = ticket ? roomOf(ticket, lineRoom, doctor?.room ?? null) : null;
  const now = useRef<HTMLDivElement>(null);
  useEffect(() => { if (ticket?.state === "called") now.current?.focus(); }, [ticket?.state, ticket?.id]);

  return (
    <main id="main" class="stack">
      <h1>{s.heading}</h1>
      <Busy active={loading && !ticket} label={s.loading} />
      {!online && asOf && <p class="asof">{t(s.asOf, { time: asOf })}</p>}
      {ticket?.state === "called" && (
        <div class="turn-now" role="alert" aria-live="assertive" tabIndex={-1} ref={now}>
          {room ? t(s.yourTurn, { room }) : s.yourTurnNoRoom}
        </div>
      )}
      {ticket && active && (
        <section class="card" aria-labelledby="turn-ticket">
          <h2 id="turn-ticket">{s.ticket}</h2>
          <p class="turn-number">{ticket.label}</p>
          <dl class="facts turn-facts" aria-live="polite">
            {ticket.state === "waiting" && (
              <>
                <dt>{s.position}</dt><dd>{ticket.position ?? "?"}</dd>
                <dt>{s.ahead}</dt><dd>{ticket.peopleAhead ?? "?"}</dd>
                <dt>{s.wait}</dt>
                <dd>{ticket.etaMinutes === null ? s.waitUnknown : t(s.minutes, { minutes: ticket.etaMinutes })}</dd>
              </>
            )}
            {doctor && <><dt>{s.doctor}</dt><dd>{doctor.full_name}</dd></>}
          </dl>
          {online && <p class="live-note">{connected ? s.live : s.reconnecting}</p>}
        </section>
      )}
      {ticket && !active && (
        <p class="turn-end" role="status">{ticket.state === "missed" ? s.missed : ticket.state === "left" ? s.left : s.served}</p>
      )}
      {!ticket && !loading && <p class="turn-end">{s.none}</p>}
    </main>
  );
}
