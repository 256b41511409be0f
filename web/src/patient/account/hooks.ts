// A Dexie query kept live: the view follows IndexedDB as operations and pulled changes land.
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
