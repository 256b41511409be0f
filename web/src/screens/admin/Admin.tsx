// The admin console: staff accounts, doctors' hours, penalties, reports, the audit trail and
// waiting-room displays, each under /admin/... with its own sub-navigation.
import { Route, Router, useLocation } from "preact-iso";
import { strings } from "../../i18n";
import { Audit } from "./Audit";
import { Displays } from "./Displays";
import { Penalties } from "./Penalties";
import { Reports } from "./Reports";
import { Schedules } from "./Schedules";
import { Staff } from "./Staff";
import "./admin.css";

const s = strings.admin;

export const SECTIONS = [
  { path: "/admin", name: s.nav.staff },
  { path: "/admin/schedules", name: s.nav.schedules },
  { path: "/admin/penalties", name: s.nav.penalties },
  { path: "/admin/reports", name: s.nav.reports },
  { path: "/admin/audit", name: s.nav.audit },
  { path: "/admin/displays", name: s.nav.displays },
] as const;

function current(path: string): string {
  const trimmed = path.replace(/\/+$/, "") || "/admin";
  return SECTIONS.find((x) => x.path !== "/admin" && trimmed.startsWith(x.path))?.path ?? "/admin";
}

export function Admin() {
  const { path } = useLocation();
  const here = current(path);
  return (
    <main id="main" class="console">
      <h1>{s.heading}</h1>
      <nav aria-label={s.navLabel} class="subnav">
        {SECTIONS.map((x) => (
          <a href={x.path} aria-current={x.path === here ? "page" : undefined}>{x.name}</a>
        ))}
      </nav>
      <Router>
        <Route path="/schedules" component={Schedules} />
        <Route path="/penalties" component={Penalties} />
        <Route path="/reports" component={Reports} />
        <Route path="/audit" component={Audit} />
        <Route path="/displays" component={Displays} />
        <Route default component={Staff} />
      </Router>
    </main>
  );
}
