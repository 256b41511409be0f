// The patient app's shell: restores the session (offline too), shows the sign-in and account
// screens to visitors, and the four tabs to a signed-in patient: visits, book, my turn, me.
// Staff who sign in here are signed out again and pointed to the staff app.
import { signal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import { session } from "../lib/session";
import { sync } from "../lib/sync";
import { Alert, Busy } from "../ui/feedback";
import { SignOut } from "../ui/signout";
import { Activate } from "./account/Activate";
import { Me } from "./account/Me";
import { PushNotice } from "./account/PushNotice";
import { Register } from "./account/Register";
import { Reset } from "./account/Reset";
import { SignIn } from "./account/SignIn";
import { ps, t } from "./i18n";
import { OfflineBar } from "./visits/OfflineBar";
import { Book } from "./visits/Book";
import { Home } from "./visits/Home";
import { Visit } from "./visits/Visit";
import { Turn } from "./turn/Turn";

export const BASE = "/patient";
export const paths = {
  home: `${BASE}/`, book: `${BASE}/book`, turn: `${BASE}/ticket`, me: `${BASE}/me`,
  visit: (id: string) => `${BASE}/visits/${id}`,
  register: `${BASE}/register`, activate: `${BASE}/activate`, reset: `${BASE}/reset`,
};

const TABS = [
  { href: paths.home, label: ps.shell.nav.home },
  { href: paths.book, label: ps.shell.nav.book },
  { href: paths.turn, label: ps.shell.nav.turn },
  { href: paths.me, label: ps.shell.nav.me },
];

// Outlives the sign-in form, which is mounted again after a staff account is signed out.
const notice = signal<string | null>(null);

function Tabs() {
  const { path } = useLocation();
  const current = (href: string) =>
    href === paths.home ? path === paths.home || path.startsWith(`${BASE}/visits/`) : path.startsWith(href);
  return (
    <nav class="tabs" aria-label={ps.shell.nav.label}>
      {TABS.map((tab) => (
        <a href={tab.href} aria-current={current(tab.href) ? "page" : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

const SIGN_OUT = {
  signOut: ps.shell.signOut, stay: ps.shell.stay, anyway: ps.shell.signOutAnyway,
  pending: (count: number) => t(ps.shell.signOutPending, { count }),
};

function Header() {
  return (
    <header class="top patient-top">
      <span class="brand">{ps.shell.title}</span>
      <SignOut words={SIGN_OUT} />
    </header>
  );
}

// The patient's waiting operations (a cancellation, a profile change made offline) go out when
// the network returns, and the pull keeps the phone's copy of visits, ticket and messages.
function PatientSync() {
  useEffect(() => sync.start(), []);
  return null;
}

function NotFound() {
  return <main id="main"><h1>{ps.shell.notFound}</h1><a href={paths.home}>{ps.shell.home}</a></main>;
}

function Visitor({ expired }: { expired: boolean }) {
  return (
    <LocationProvider>
      {notice.value && <Alert>{notice.value}</Alert>}
      <Router>
        <Route path={paths.register} component={Register} />
        <Route path={paths.activate} component={Activate} />
        <Route path={paths.reset} component={Reset} />
        <Route default component={() => <SignIn expired={expired} />} />
      </Router>
    </LocationProvider>
  );
}

export function PatientApp() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    session.restore(navigator.onLine).catch(() => null).finally(() => setReady(true));
  }, []);
  const who = session.current.value;
  useEffect(() => {
    if (who && who.role !== "patient") {
      notice.value = ps.shell.staffUseDesk;
      void session.signOut();
    } else if (who) {
      notice.value = null;
    }
  }, [who?.userId, who?.role]);
  if (!ready) return <Busy active />;
  if (!who || who.role !== "patient" || (session.expired.value && navigator.onLine)) {
    return <Visitor expired={session.expired.value} />;
  }
  return (
    <LocationProvider>
      <a class="skip" href="#main">{ps.shell.skip}</a>
      <Header />
      <OfflineBar />
      <PushNotice />
      <PatientSync />
      <Router>
        <Route path={paths.home} component={Home} />
        <Route path={BASE} component={Home} />
        <Route path={paths.book} component={Book} />
        <Route path={`${BASE}/visits/:id`} component={Visit} />
        <Route path={paths.turn} component={Turn} />
        <Route path={paths.me} component={Me} />
        <Route default component={NotFound} />
      </Router>
      <Tabs />
    </LocationProvider>
  );
}
