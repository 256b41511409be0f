/// <reference lib="webworker" />
// Web Push in the service worker: filled in by the push work (show the notification; a tap
// opens the app on the ticket).
export function listenForPush(_scope: ServiceWorkerGlobalScope): void {}
