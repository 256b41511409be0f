// A Dexie query kept live: a view follows IndexedDB as operations, answers and pulled changes
// land (both apps' screens use it).
import { liveQuery } from "dexie";
import { useEffect, useState } from "preact/hooks";

export function useLive<T>(query: () => Promise<T>, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({ next: setValue, error: () => undefined });
    return () => subscription.unsubscribe();
  }, deps);
  return value;
}
