// What the service worker shows for a push and where a tap leads, kept pure (Vitest).
import { ps } from "../i18n";

export const ICON = "/patient/icons/icon-192.png";
export const APP = "/patient/";

export interface Shown {
  title: string;
  options: NotificationOptions & { renotify?: boolean; data: { url: string; kind: string | null } };
}

function text(value: unknown, max: number): string | null {
  return typeof value === "string" && value.trim() ? value.trim().slice(0, max) : null;
}

/** The notification for a push's payload ({title, body, kind, notification_id, url}): the id
 *  is the tag, so a repeat replaces the first instead of ringing twice. A payload that is
 *  missing or not JSON still shows something (a push must be visible). */
export function notificationFrom(payload: string | null | undefined): Shown {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = payload ? JSON.parse(payload) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    data = {};
  }
  const tag = text(data.notification_id, 200);
  return {
    title: text(data.title, 200) ?? ps.account.notification.title,
    options: {
      body: text(data.body, 1000) ?? ps.account.notification.body,
      icon: ICON,
      badge: ICON,
      lang: "en",
      renotify: false,
      ...(tag ? { tag } : {}),
      data: { url: typeof data.url === "string" ? data.url : APP, kind: text(data.kind, 100) },
    },
  };
}

/** Where a tap opens the app: the payload's path when it is this origin's and under /patient/,
 *  else the app's start. Never another origin. */
export function openPath(url: unknown, origin: string): string {
  if (typeof url !== "string" || !url) return APP;
  let target: URL;
  try {
    target = new URL(url, origin);
  } catch {
    return APP;
  }
  if (target.origin !== origin) return APP;
  const path = target.pathname;
  if (!(path === "/patient" || path.startsWith(APP)) || path.includes("..")) return APP;
  return `${path}${target.search}${target.hash}`;
}
