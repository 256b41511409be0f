import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { VitePWA } from "vite-plugin-pwa";

// The staff app: one bundle, every asset from this origin (no CDN, no web font), no inline
// script (the service worker is registered from an emitted file), so the server's strict
// Content-Security-Policy holds. The service worker precaches the shell and every asset, so
// the desk loads with no network; API calls are never cached by it (the app keeps its own
// offline data in IndexedDB).
export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script-defer",
      includeAssets: ["favicon.svg", "icon.svg"],
      manifest: {
        name: "HMS staff",
        short_name: "HMS",
        description: "Reception desk, doctor's console and admin console",
        start_url: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#0b5394",
        icons: [
          { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,woff2,webmanifest}"],
        // The patient app (dist/patient, built after this one) has its own service worker.
        globIgnores: ["patient/**"],
        // The first load is controlled at once (the desk may go offline right after it) and a
        // new build takes over on the next load.
        clientsClaim: true,
        skipWaiting: true,
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api/, /^\/healthz/, /^\/readyz/, /^\/patient(\/|$)/],
        runtimeCaching: [],
      },
    }),
  ],
  build: { outDir: "dist", assetsInlineLimit: 0, sourcemap: false, chunkSizeWarningLimit: 1024 },
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
} as never);
