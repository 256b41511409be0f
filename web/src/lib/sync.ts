// The desk's sync: pending operations go to POST /api/sync in order (batches of at most 500;
// the op_id is each write's idempotency key), each answer is kept with its operation and
// settles the local view; then the changes since the stored cursor are pulled. Runs when the
// browser comes back online and on a timer, never twice at once. An expired session (401 that
// a refresh cannot cure) stops it and keeps everything pending.
import { signal } from "@preact/signals";
import { db as shared, type HmsDatabase, type OpState } from "./db";
import { mergeChanges, settleAll, type Answered, type Change } from "./local";
import { markPending, markSending, pending, type DeskOperation } from "./ops";
import { session } from "./session";

export const BATCH = 500;
const CURSOR = "sync.cursor";

interface Result {
  op_id: string;
  outcome: "applied" | "duplicate" | "superseded" | "rejected";
  current?: Record<string, unknown> | null;
  problem?: Record<string, unknown> | null;
}

export interface SyncOptions {
  database?: HmsDatabase;
  fetcher?: typeof fetch;
  token?: () => Promise<string | null>;
  /** a fresh access token after a 401; false when the session is over */
  refresh?: () => Promise<boolean>;
  /** whether a refused refresh means the session is over (else the server was away) */
  expired?: () => boolean;
  base?: string;
  /** after a push that was answered, pull again this much later (the feed hears the owners'
   *  events a moment after they answered); 0: not */
  followUpMs?: number;
}

export class Unreachable extends Error {}
export class SessionOver extends Error {}

export class SyncEngine {
  /** a run in progress */
  readonly running = signal(false);
  /** the browser's idea of the network */
  readonly online = signal(typeof navigator === "undefined" ? true : navigator.onLine);
  /** the session ended: nothing is sent until the desk signs in again */
  readonly stopped = signal(false);
  /** the last run's failure, in the app's terms: "unreachable", or an HTTP status */
  readonly failure = signal<string | null>(null);
  /** bumped after each run, so views reload what changed */
  readonly revision = signal(0);
  private inflight: Promise<void> | null = null;
  private readonly database: HmsDatabase;
  private readonly fetcher: typeof fetch;
  private readonly base: string;

  constructor(private readonly options: SyncOptions = {}) {
    this.database = options.database ?? shared;
    this.fetcher = options.fetcher ?? ((...a) => fetch(...a));
    this.base = options.base ?? "";
  }

  /** Push, then pull. A second call while one runs joins it (never two pushes at once). */
  run(): Promise<void> {
    this.inflight ??= this.doRun().finally(() => {
      this.inflight = null;
      this.running.value = false;
      this.revision.value += 1;
    });
    return this.inflight;
  }

  private async doRun(): Promise<void> {
    this.running.value = true;
    try {
      const answered = await this.push();
      await this.pull();
      const later = this.options.followUpMs ?? 3000;
      if (answered && later) setTimeout(() => void this.run(), later);
      this.failure.value = null;
      this.stopped.value = false;
    } catch (error) {
      if (error instanceof SessionOver) this.stopped.value = true;
      this.failure.value = error instanceof Unreachable || error instanceof TypeError ? "unreachable"
        : error instanceof SessionOver ? "expired" : String((error as Error).message);
    }
  }

  /** Sends every pending operation, in order; returns how many were answered. */
  async push(): Promise<number> {
    const waiting = await pending(this.database);
    let answered = 0;
    for (let i = 0; i < waiting.length; i += BATCH) {
      answered += await this.pushBatch(waiting.slice(i, i + BATCH));
    }
    return answered;
  }

  private async pushBatch(batch: DeskOperation[]): Promise<number> {
    await markSending(batch, this.database);
    const operations = batch.map((op) => ({ op_id: op.op_id, entity: op.entity, action: op.action,
      id: op.id, fields: op.fields, client_updated_at: op.client_updated_at }));
    let response: Response;
    try {
      response = await this.call("/api/sync", { method: "POST",
        headers: { "content-type": "application/json" }, body: JSON.stringify({ operations }) });
    } catch (error) {
      await markPending(batch, this.database);
      throw error;
    }
    if (response.status === 422) { // the batch itself refused: the server's answer for each
      const problem = await response.json().catch(() => ({}));
      await this.answer(batch.map((op) => [op, { op_id: op.op_id, outcome: "rejected", problem }]));
      return batch.length;
    }
    if (!response.ok) {
      await markPending(batch, this.database);
      throw new Error(String(response.status));
    }
    const body = (await response.json()) as { results: Result[] };
    const byId = new Map(body.results.map((r) => [r.op_id, r]));
    const answers: [DeskOperation, Result][] = [];
    for (const op of batch) {
      const result = byId.get(op.op_id);
      if (!result || isRetry(result)) { // not sent, or the owner was away: send again later
        await markPending([op], this.database, result ? { error: result.problem, status: 503 } : undefined);
        continue;
      }
      answers.push([op, result]);
    }
    await this.answer(answers);
    return answers.length;
  }

  /** The server's answers: each kept with its operation (one write), then the local view settled. */
  private async answer(answers: [DeskOperation, Result][]): Promise<void> {
    await this.database.ops.bulkUpdate(answers.map(([op, result]) => {
      const state: OpState = result.outcome;
      const status = typeof result.problem?.status === "number" ? result.problem.status : undefined;
      return { key: op.seq!, changes: { state,
        result: { current: result.current ?? null, error: result.problem ?? undefined, status } } };
    }));
    await settleAll(answers.map(([op, result]): Answered => ({ op, outcome: result.outcome, current: result.current })),
      this.database);
  }

  /** Pulls the changes since the stored cursor (all pages); an expired cursor (410) starts over. */
  async pull(): Promise<number> {
    let cursor = (await this.database.meta.get(CURSOR))?.value as string | undefined;
    let count = 0;
    for (;;) {
      const query = new URLSearchParams({ limit: String(BATCH) });
      if (cursor) query.set("cursor", cursor);
      const response = await this.call(`/api/sync/changes?${query}`, { method: "GET" });
      if (response.status === 410 && cursor) {
        cursor = undefined;
        await this.database.meta.delete(CURSOR);
        continue;
      }
      if (!response.ok) throw new Error(String(response.status));
      const page = (await response.json()) as { changes: Change[]; cursor: string; has_more: boolean };
      await mergeChanges(page.changes, this.database);
      count += page.changes.length;
      cursor = page.cursor;
      await this.database.meta.put({ key: CURSOR, value: cursor });
      if (!page.has_more) return count;
    }
  }

  /** One request with the access token; a 401 refreshes once; a refused refresh ends it. */
  private async call(path: string, init: RequestInit): Promise<Response> {
    const token = this.options.token ?? (() => session.token());
    const refresh = this.options.refresh ?? (() => session.refresh());
    const send = async (bearer: string | null) => this.fetcher(`${this.base}${path}`, { ...init,
      headers: { ...(init.headers as Record<string, string> | undefined),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) } });
    const first = await token();
    if (!first && !this.online.peek()) throw new Unreachable();
    let response = await send(first);
    if (response.status !== 401) return response;
    const expired = this.options.expired ?? (() => session.expired.peek());
    if (!(await refresh())) throw expired() ? new SessionOver() : new Unreachable();
    response = await send(await token());
    if (response.status === 401) throw new SessionOver();
    return response;
  }

  /** Runs now, whenever the browser comes back online, and every `everyMs`. Returns a stop. */
  start(everyMs = 30_000): () => void {
    const up = () => { this.online.value = true; void this.run(); };
    const down = () => { this.online.value = false; };
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    const timer = setInterval(() => { if (this.online.peek() && !this.stopped.peek()) void this.run(); }, everyMs);
    if (this.online.peek()) void this.run();
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
      clearInterval(timer);
    };
  }
}

/** A rejection that says "never sent" or "the owner was away": the operation waits for another push. */
function isRetry(result: Result): boolean {
  return result.outcome === "rejected" && result.problem?.status === 503;
}

export const sync = new SyncEngine();
