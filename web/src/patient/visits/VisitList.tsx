// A list of visits, each a card linking to its page: when, doctor, department, room, status.
import { t } from "../../i18n";
import type { VisitView } from "../agenda";
import { dayTime } from "../asof";
import { visits } from "../i18n/visits";

const s = visits;

export function statusText(status: string): string {
  return (s.status as Record<string, string>)[status] ?? status;
}

export function whenText(iso: string): string {
  return t(s.when, dayTime(iso));
}

export function VisitList({ items, labelledBy }: { items: VisitView[]; labelledBy: string }) {
  return (
    <ul class="visit-list" aria-labelledby={labelledBy}>
      {items.map((v) => (
        <li key={v.id}>
          <a class="card" href={`/patient/visits/${v.id}`}>
            <span class="visit-when">{whenText(v.start)}</span>
            <span class="visit-who">{[v.doctorName, v.department].filter(Boolean).join(" · ")}</span>
            <span class="visit-who">{v.room ? t(s.room, { room: v.room }) : s.noRoom}</span>
            <span class="visit-status row">
              <strong class={`status-${v.status}`}>{statusText(v.status)}</strong>
              {v.pending && <span class="badge pending">{s.waitingToSend}</span>}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
