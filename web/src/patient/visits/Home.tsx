// /patient/: my ticket (if any), upcoming and past visits, recent messages. Online, each is read
// from the clinic and kept on the phone; offline (or when the clinic is away), the last known
// shows with its "as of" time. Nothing yet: a clear way to book.
import { useLive } from "../../lib/live-query";
import { useEffect, useState } from "preact/hooks";
import { t } from "../../i18n";
import { isoDay, stamp } from "../../lib/call";
import { recordsOf } from "../../lib/local";
import { session } from "../../lib/session";
import { sync } from "../../lib/sync";
import { Busy } from "../../ui/feedback";
import { agenda, type DoctorInfo } from "../agenda";
import { asOfText } from "../asof";
import { visits } from "../i18n/visits";
import { currentTicket } from "../ticket";
import { ASOF, asOfAll, knownMessages, loadDoctors, refreshAppointments, refreshMessages, refreshTicket,
  stampOf } from "./data";
import { VisitList } from "./VisitList";
import "./visits.css";

const s = visits.home;

export function Home() {
  const me = session.current.value?.userId ?? null;
  const online = sync.online.value;
  const revision = sync.revision.value;
  const [doctors, setDoctors] = useState<DoctorInfo[]>([]);
  const [loading, setLoading] = useState(true);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    let live = true;
    setLoading(true);
    void (async () => {
      const got = await loadDoctors();
      if (live) setDoctors(got.doctors);
      const failed = await Promise.all([refreshAppointments(), refreshTicket(), refreshMessages()]);
      if (live) { setStale(failed.some((f) => f !== null)); setLoading(false); }
    })();
    return () => { live = false; };
  }, [online]);

  const names = new Map(doctors.map((d) => [d.id, d]));
  const appointments = useLive(() => recordsOf("appointment"), [], []);
  const tickets = useLive(() => recordsOf("ticket"), [], []);
  const messages = useLive(() => knownMessages(), [revision], []);
  const asOf = useLive(async () => asOfText((await stampOf(ASOF.appointments)) ?? (await asOfAll())),
    [loading, revision], null as string | null);
  const { upcoming, past } = agenda(appointments, names, me);
  const ticket = currentTicket(tickets, me, isoDay());
  const showAsOf = (!online || stale) && asOf;

  return (
    <main id="main" class="stack">
      <h1>{s.heading}</h1>
      <Busy active={loading && !appointments.length} label={s.loading} />
      {showAsOf && <p class="asof">{t(s.asOf, { time: asOf })}</p>}
      {ticket && (ticket.state === "waiting" || ticket.state === "called") && (
        <section class="card ticket-card" aria-labelledby="home-ticket">
          <h2 id="home-ticket">{s.ticketHeading}</h2>
          <p><strong>{ticket.state === "called" ? t(s.ticketCalled, { label: ticket.label })
            : t(s.ticketLine, { label: ticket.label, ahead: ticket.peopleAhead ?? "?" })}</strong></p>
          <a class="button" href="/patient/ticket">{s.ticketOpen}</a>
        </section>
      )}
      {!upcoming.length && !past.length && !loading ? (
        <section class="card">
          <p>{s.empty}</p>
          <a class="button" href="/patient/book">{s.bookButton}</a>
        </section>
      ) : (
        <>
          <section aria-labelledby="home-upcoming">
            <h2 id="home-upcoming">{s.upcoming}</h2>
            {upcoming.length ? <VisitList items={upcoming} labelledBy="home-upcoming" /> : <p>{s.noUpcoming}</p>}
            <p><a class="button" href="/patient/book">{s.bookButton}</a></p>
          </section>
          {past.length > 0 && (
            <section aria-labelledby="home-past">
              <h2 id="home-past">{s.past}</h2>
              <VisitList items={past} labelledBy="home-past" />
            </section>
          )}
        </>
      )}
      <section aria-labelledby="home-messages">
        <h2 id="home-messages">{s.messages}</h2>
        {!messages.length ? <p>{s.noMessages}</p> : (
          <ul class="messages">
            {messages.map((m) => (
              <li key={m.id}><strong>{m.subject ?? m.kind}</strong> <span class="asof">{stamp(m.at)}</span>
                {m.body && <p>{m.body}</p>}</li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
