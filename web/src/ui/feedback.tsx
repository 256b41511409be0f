// How the app shows waiting and errors: a progress indicator for anything over a second, and
// every error in plain words (role="alert", so a screen reader says it at once).
import { useEffect, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { strings, t } from "../i18n";

export function Busy({ active, label = strings.app.loading }: { active: boolean; label?: string }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!active) { setShown(false); return; }
    const timer = setTimeout(() => setShown(true), 1000);
    return () => clearTimeout(timer);
  }, [active]);
  return shown ? <div class="busy" role="progressbar" aria-label={label}><span class="spinner" />{label}</div> : null;
}

export function Alert({ children, kind = "error" }: { children: ComponentChildren; kind?: "error" | "info" | "ok" }) {
  return <div class={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>{children}</div>;
}

/** The words for a failed call: the server's problem detail, or what to do when it is away. */
export function failureText(status: number | undefined, detail: string | null): string {
  if (status === undefined || status === 0) return strings.app.unreachable;
  if (status === 403) return detail ?? strings.app.forbidden;
  return detail ?? t(strings.app.unexpected, { status });
}
