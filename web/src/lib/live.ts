// The live line of one doctor. GET /api/queue/doctors/{id}/stream sends server-sent events
// (a `snapshot` on connect, a `line` after every change, heartbeat comments); it needs the
// Authorization header, so it is read with fetch and a small streaming parser rather than
// EventSource. The stream's events carry numbers only (no patients), so each one is followed
// by a read of the full line (GET /api/queue/doctors/{id}: names, urgency, estimated waits).
// Reconnects with backoff; closed on unmount.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, problemText } from "../api/client";
import type { components } from "../api/schema/queue";
import { failureText } from "../ui/feedback";
import { session } from "./session";

/** Heartbeats come every 15 s: this long without a byte means the connection is dead. */
const SILENCE_MS = 45_000;

export type Line = components["schemas"]["LinePublic"];
export type LineTicket = components["schemas"]["LineTicketPublic"];

export interface SseEvent {
  event: string;
  data: string;
}

/** Server-sent events from a text stream, chunk by chunk (events may split across chunks). */
export class SseParser {
  private buffer = "";

  push(chunk: string): SseEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const events: SseEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "event") event = value;
        else if (name === "data") data.push(value);
      }
      if (data.length) events.push({ event, data: data.join("\n") });
    }
    return events;
  }
}

/** The delay before reconnect attempt `n` (0-based): 1 s, 2 s, 4 s ... at most 30 s. */
export function backoff(n: number): number {
  return Math.min(30_000, 1000 * 2 ** n);
}

async function readLine(doctorId: string): Promise<Line> {
  const { data, error, response } = await api.queue.GET("/api/queue/doctors/{doctor_id}", {
    params: { path: { doctor_id: doctorId }, query: { limit: 50 } } });
  if (!data) throw new Error(failureText(response.status, problemText(error)));
  return data;
}

/** Opens the stream and calls `onEvent` per event until it ends or `signal` aborts. */
export async function stream(doctorId: string, signal: AbortSignal,
                             onEvent: (event: SseEvent) => void, onOpen: () => void,
                             onData: () => void = () => undefined): Promise<void> {
  const open = async () => {
    const token = await session.token();
    return fetch(`/api/queue/doctors/${encodeURIComponent(doctorId)}/stream`, {
      headers: { accept: "text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal, cache: "no-store" });
  };
  let response = await open();
  if (response.status === 401 && (await session.refresh())) response = await open();
  if (!response.ok || !response.body) {
    const problem = await response.json().catch(() => null);
    throw new Error(failureText(response.status, problemText(problem)));
  }
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onData();
    for (const event of parser.push(value)) onEvent(event);
  }
}

export interface Follow {
  onEvent: (event: SseEvent) => void;
  /** the stream is open */
  onOpen: () => void;
  /** the stream ended, failed or the network went: another is opened after a backoff */
  onClose: () => void;
  /** why the last stream failed, in plain words */
  onError?: (message: string) => void;
  /** the network is back (read again at once: events may have been missed) */
  onBack?: () => void;
}

/** Keeps one doctor's stream open: reopens it with backoff (at once when the network returns)
 *  and drops a connection that stays silent past SILENCE_MS. Returns the function that stops. */
export function follow(doctorId: string, on: Follow): () => void {
  const abort = new AbortController();
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let open = false; // a stream is open or being opened
  let current: AbortController | null = null;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const quiet = () => { // no heartbeat for a while: the connection is dead, open another
    clearTimeout(watchdog);
    watchdog = setTimeout(() => current?.abort(), SILENCE_MS);
  };
  const connect = async () => {
    if (open || abort.signal.aborted) return;
    open = true;
    clearTimeout(timer);
    const mine = new AbortController();
    current = mine;
    const stop = () => mine.abort();
    abort.signal.addEventListener("abort", stop);
    try {
      await stream(doctorId, mine.signal, (event) => { attempt = 0; on.onEvent(event); },
        () => { on.onOpen(); quiet(); }, quiet);
    } catch (e) {
      if (!abort.signal.aborted && !mine.signal.aborted) {
        on.onError?.(e instanceof TypeError ? failureText(undefined, null) : String((e as Error).message));
      }
    }
    abort.signal.removeEventListener("abort", stop);
    clearTimeout(watchdog);
    open = false;
    if (abort.signal.aborted) return;
    on.onClose();
    timer = setTimeout(() => void connect(), backoff(attempt++));
  };
  const back = () => { attempt = 0; on.onBack?.(); void connect(); };
  const gone = () => { current?.abort(); on.onClose(); };
  window.addEventListener("online", back);
  window.addEventListener("offline", gone);
  void connect();
  return () => {
    abort.abort(); clearTimeout(timer); clearTimeout(watchdog);
    window.removeEventListener("online", back); window.removeEventListener("offline", gone);
  };
}

/** The latest line of one doctor, live: `{ line, connected, error, refresh }`. */
export function useLine(doctorId: string | null) {
  const [line, setLine] = useState<Line | null>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reread = useRef<() => Promise<void>>(async () => undefined);

  useEffect(() => {
    setLine(null);
    setConnected(false);
    setError(null);
    if (!doctorId) return;
    const abort = new AbortController();
    let reading = false;
    let again = false;
    const refresh = async () => { // one read at a time; a change meanwhile reads once more
      if (reading) { again = true; return; }
      reading = true;
      try {
        do {
          again = false;
          const next = await readLine(doctorId);
          if (!abort.signal.aborted) { setLine(next); setError(null); }
        } while (again && !abort.signal.aborted);
      } catch (e) {
        if (!abort.signal.aborted) setError(e instanceof TypeError ? failureText(undefined, null) : String((e as Error).message));
      } finally {
        reading = false;
      }
    };
    reread.current = refresh;
    const stop = follow(doctorId, {
      onEvent: () => void refresh(),
      onOpen: () => { setConnected(true); setError(null); },
      onClose: () => setConnected(false),
      onError: setError,
      onBack: () => void refresh(),
    });
    void refresh();
    return () => { abort.abort(); stop(); };
  }, [doctorId]);

  return { line, connected, error, refresh: () => reread.current() };
}
