// The doctor's line, live, for a patient: GET /api/queue/doctors/{id}/stream (anyone signed in;
// its events carry numbers and the room, never a patient). Each event calls `onChange` (the
// screen reads its own ticket again); the stream is kept open by lib/live's `follow`.
import { useEffect, useRef, useState } from "preact/hooks";
import { follow } from "../../lib/live";

export function useLineStream(doctorId: string | null, onChange: () => void) {
  const [connected, setConnected] = useState(false);
  const [room, setRoom] = useState<string | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    setConnected(false);
    if (!doctorId) return;
    return follow(doctorId, {
      onEvent: (event) => {
        try {
          const data = JSON.parse(event.data) as { room?: unknown };
          if (typeof data.room === "string" && data.room) setRoom(data.room);
        } catch { /* a line event without JSON: the read below is what counts */ }
        changed.current();
      },
      onOpen: () => setConnected(true),
      onClose: () => setConnected(false),
      onBack: () => changed.current(),
    });
  }, [doctorId]);

  return { connected, room };
}
