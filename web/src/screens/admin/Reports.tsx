// The reports as charts, for a date range, with a CSV download of the same report.
import { useMemo, useState } from "preact/hooks";
import { api } from "../../api/client";
import { strings, t } from "../../i18n";
import { call, isoDay, shiftDay } from "../../lib/call";
import { saveBlob } from "../../lib/download";
import { chartData, csvFileName, REPORTS, type ReportName, type Row } from "../../lib/reports";
import { Alert, Busy } from "../../ui/feedback";
import { BarChart } from "./BarChart";

const s = strings.admin;
const LIMIT = 500;

interface Report { from: string; to: string; group_by?: string | null; rows: Row[]; total: number }
type Query = Record<string, string | number | undefined>;
type Get = (path: string, init: { params: { query: Query }; parseAs?: "json" | "blob" }) =>
  Promise<{ data?: unknown; error?: unknown; response: Response }>;
const get = (path: string, query: Query, parseAs: "json" | "blob" = "json") =>
  call(() => (api.reporting.GET as unknown as Get)(path, { params: { query }, parseAs }));

export const words = (key: string): string => (s.series as Record<string, string>)[key] ?? key;

export function Reports() {
  const [name, setName] = useState<ReportName>("appointments");
  const [groupBy, setGroupBy] = useState<string>("day");
  const [from, setFrom] = useState(shiftDay(isoDay(), -29));
  const [to, setTo] = useState(isoDay());
  const [report, setReport] = useState<{ name: ReportName; body: Report } | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const groups: readonly string[] = REPORTS[name].groups;
  const query = (): Query => ({ from, to, group_by: groups.length ? groupBy : undefined });

  function choose(next: ReportName) {
    setName(next);
    setGroupBy(REPORTS[next].groups[0] ?? "");
  }

  async function show(event: Event) {
    event.preventDefault();
    setBusy(true); setFailure(null);
    const got = await get(REPORTS[name].path, { ...query(), limit: LIMIT });
    setBusy(false);
    if (got.ok) setReport({ name, body: got.data as Report }); else setFailure(got.message);
  }

  async function download() {
    setBusy(true); setFailure(null);
    const got = await get(REPORTS[name].path, { ...query(), format: "csv", limit: 10000 }, "blob");
    setBusy(false);
    if (!got.ok) { setFailure(got.message); return; }
    saveBlob(got.data as Blob, csvFileName(name, from, to, got.response.headers.get("content-disposition")));
  }

  const data = useMemo(() => report && chartData(report.name, report.body.group_by ?? null, report.body.rows, words),
    [report]);
  const title = report ? t(s.chartTitle, { report: s.reportNames[report.name], from: report.body.from, to: report.body.to })
    : "";

  return (
    <section aria-labelledby="reports-heading">
      <h2 id="reports-heading">{s.reportsHeading}</h2>
      <form class="toolbar" onSubmit={show}>
        <div><label for="report-name">{s.report}</label>
          <select id="report-name" value={name} onChange={(e) => choose(e.currentTarget.value as ReportName)}>
            {(Object.keys(REPORTS) as ReportName[]).map((r) => <option value={r}>{s.reportNames[r]}</option>)}
          </select></div>
        {groups.length > 0 && (
          <div><label for="report-group">{s.groupBy}</label>
            <select id="report-group" value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value)}>
              {groups.map((g) => <option value={g}>{words(`by_${g}`)}</option>)}
            </select></div>
        )}
        <div><label for="report-from">{s.from}</label>
          <input id="report-from" type="date" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></div>
        <div><label for="report-to">{s.to}</label>
          <input id="report-to" type="date" required value={to} onInput={(e) => setTo(e.currentTarget.value)} /></div>
        <button type="submit" disabled={busy}>{s.showReport}</button>
        <button type="button" class="secondary" disabled={busy} onClick={() => void download()}>{s.downloadCsv}</button>
      </form>
      <Busy active={busy} />
      {failure && <Alert>{failure}</Alert>}
      <div aria-live="polite">
        {report && report.body.rows.length === 0 && <p>{s.reportEmpty}</p>}
        {report && report.body.total > report.body.rows.length &&
          <p>{t(s.reportPartial, { shown: report.body.rows.length, total: report.body.total })}</p>}
      </div>
      {report && data && report.body.rows.length > 0 &&
        <BarChart title={title} data={data} rowHeader={words(`by_${report.body.group_by ?? "row"}`)} />}
    </section>
  );
}
