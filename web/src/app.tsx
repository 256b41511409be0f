// The shell: restores the session (offline too), signs in, and gives each role its screens.
// receptionist -> the desk; doctor -> their line; admin -> the admin console and the desk.
import { useEffect, useState } from "preact/hooks";
import { LocationProvider, Router, Route, useLocation } from "preact-iso";
import { strings, t } from "./i18n";
import type { Role } from "./lib/db";
import { session } from "./lib/session";
import { sync } from "./lib/sync";
import { SignIn } from "./screens/SignIn";
import { Desk } from "./screens/desk/Desk";
import { Doctor } from "./screens/doctor/Doctor";
import { Admin } from "./screens/admin/Admin";
import { Busy } from "./ui/feedback";
import { SignOut } from "./ui/signout";

export const HOME: Record<Role, string> = {
  receptionist: "/desk", admin: "/admin", doctor: "/doctor", patient: "/",
};

const ALLOWED: Record<string, Role[]> = {
  "/desk": ["receptionist", "admin"], "/doctor": ["doctor"], "/admin": ["admin"],
};

function Guard({ area, children }: { area: string; children: preact.ComponentChildren }) {
  const who = session.current.value;
  const { route } = useLocation();
  const allowed = who && ALLOWED[area]?.includes(who.role);
  useEffect(() => { if (who && !allowed) route(HOME[who.role], true); }, [who, allowed]);
  return allowed ? <>{children}</> : null;
}

const SIGN_OUT = {
  signOut: strings.app.signOut, stay: strings.app.cancel, anyway: strings.app.signOutAnyway,
  pending: (count: number) => t(strings.app.signOutPending, { count }),
};

function Header() {
  const who = session.current.value!;
  const { path } = useLocation();
  const links = Object.keys(ALLOWED).filter((area) => ALLOWED[area]!.includes(who.role));

  return (
    <header class="top">
      <span class="brand">{strings.app.title}</span>
      <nav aria-label={strings.app.nav.label}>
        {links.map((area) => (
          <a href={area} aria-current={path.startsWith(area) ? "page" : undefined}>
            {strings.app.nav[area.slice(1) as keyof typeof strings.app.nav]}
          </a>
        ))}
      </nav>
      <span class="who">{who.username} · {who.role}</span>
      <SignOut words={SIGN_OUT} />
    </header>
  );
}

// The desk's waiting operations go out whatever screen is open (an admin may be on /admin),
// from sign-in to sign-out.
function DeskSync() {
  useEffect(() => sync.start(), []);
  return null;
}

function Home() {
  const who = session.current.value!;
  const { route } = useLocation();
  useEffect(() => route(HOME[who.role], true), [who.role]);
  return null;
}

function NotFound() {
  return <main id="main"><h1>{strings.app.notFound}</h1><a href="/">{strings.app.home}</a></main>;
}

export function App() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    session.restore(navigator.onLine).catch(() => null).finally(() => setReady(true));
  }, []);
  const who = session.current.value;
  if (!ready) return <Busy active />;
  if (!who || (session.expired.value && navigator.onLine)) return <SignIn expired={session.expired.value} />;
  return (
    <LocationProvider>
      <a class="skip" href="#main">{strings.app.skip}</a>
      <Header />
      {ALLOWED["/desk"]!.includes(who.role) && <DeskSync />}
      <Router>
        <Route path="/" component={Home} />
        <Route path="/desk" component={() => <Guard area="/desk"><Desk /></Guard>} />
        <Route path="/doctor" component={() => <Guard area="/doctor"><Doctor /></Guard>} />
        <Route path="/admin/*" component={() => <Guard area="/admin"><Admin /></Guard>} />
        <Route path="/admin" component={() => <Guard area="/admin"><Admin /></Guard>} />
        <Route default component={NotFound} />
      </Router>
    </LocationProvider>
  );
}
