/// <reference lib="webworker" />
// Web Push in the service worker: each push shows a notification (its notification_id is the
// tag, so a repeat replaces rather than rings twice); a tap focuses the app, if open, on the
// payload's screen (the ticket for "your turn"), else opens it there. Only this origin's
// /patient/ paths are ever opened.
import { notificationFrom, openPath } from "./account/sw-rules";

export function listenForPush(scope: ServiceWorkerGlobalScope): void {
  scope.addEventListener("push", (event: PushEvent) => {
    let payload: string | null = null;
    try {
      payload = event.data?.text() ?? null;
    } catch {
      payload = null;
    }
    const shown = notificationFrom(payload);
    event.waitUntil(scope.registration.showNotification(shown.title, shown.options));
  });

  scope.addEventListener("notificationclick", (event: NotificationEvent) => {
    event.notification.close();
    const data = event.notification.data as { url?: unknown } | null;
    const target = openPath(data?.url, scope.location.origin);
    event.waitUntil(open(scope, target));
  });
}

async function open(scope: ServiceWorkerGlobalScope, target: string): Promise<void> {
  const windows = await scope.clients.matchAll({ type: "window", includeUncontrolled: true });
  const app = windows.find((w) => new URL(w.url).pathname.startsWith("/patient"));
  if (app) {
    const focused = await app.focus().catch(() => app);
    const moved = await focused.navigate(target).catch(() => null);
    if (moved) return;
  }
  await scope.clients.openWindow(target);
}
