/// <reference lib="webworker" />
// The patient app's service worker (scope /patient/): every built file precached, so the app
// opens with no network; page navigations get the shell (the app's router takes the path);
// /api is never cached here (the app keeps its own offline copy in IndexedDB). Web Push
// notifications are shown and opened by ./sw-push.
import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { listenForPush } from "./sw-push";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
registerRoute(new NavigationRoute(createHandlerBoundToURL("/patient/index.html"), {
  allowlist: [/^\/patient(\/|$)/],
}));
listenForPush(self);
