// The doctor's line, live, for a patient: GET /api/queue/doctors/{id}/stream (anyone signed in;
// its events carry numbers and the room, never a patient). Each event calls `onChange` (the
// screen reads its own ticket again); reconnects with backoff, at once when the network returns.
import { useEffect, useRef, useState } from "preact/hooks";
import { backoff, stream } from "../../lib/live";

export function useLineStream(doctorId: string | null, onChange: () => void) {
  const [connected, setConnected] = useState(false);
  const [room, setRoom] = useState<string | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    setConnected(false);
    if (!doctorId) return;
    const abort = new AbortController();
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let open = false;
    let current: AbortController | null = null;
    const connect = async () => {
      if (open || abort.signal.aborted) return;
      open = true;
      clearTimeout(timer);
      const mine = new AbortController();
      current = mine;
      const stop = () => mine.abort();
      abort.signal.addEventListener("abort", stop);
      try {
        await stream(doctorId, mine.signal, (event) => {
          attempt = 0;
          try {
            const data = JSON.parse(event.data) as { room?: unknown };
            if (typeof data.room === "string" && data.room) setRoom(data.room);
          } catch { /* a line event without JSON: the read below is what counts */ }
          changed.current();
        }, () => setConnected(true));
      } catch { /* reconnect below */ }
      abort.signal.removeEventListener("abort", stop);
      open = false;
      if (abort.signal.aborted) return;
      setConnected(false);
      timer = setTimeout(() => void connect(), backoff(attempt++));
    };
    const back = () => { attempt = 0; changed.current(); void connect(); };
    const gone = () => { current?.abort(); setConnected(false); };
    window.addEventListener("online", back);
    window.addEventListener("offline", gone);
    void connect();
    return () => {
      abort.abort(); clearTimeout(timer);
      window.removeEventListener("online", back); window.removeEventListener("offline", gone);
    };
  }, [doctorId]);

  return { connected, room };
}
