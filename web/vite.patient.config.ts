import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { VitePWA } from "vite-plugin-pwa";

// The patient app: the second entry of this project, built to dist/patient and served at
// /patient/. Same rules as the staff app (every asset from this origin, no inline script, a
// strict CSP), its own service worker (src/patient/sw.ts: the precached shell, and the Web Push
// notifications) whose scope is /patient/, its own manifest (installable on a phone) and its
// own IndexedDB database (src/lib/db.ts picks it by the base).
export default defineConfig({
  root: "patient",
  base: "/patient/",
  publicDir: "public",
  plugins: [
    preact(),
    VitePWA({
      strategies: "injectManifest",
      srcDir: "../src/patient",
      filename: "sw.ts",
      registerType: "autoUpdate",
      injectRegister: "script-defer",
      scope: "/patient/",
      includeAssets: ["icons/*.png", "icon.svg"],
      manifest: {
        id: "/patient/",
        name: "HMS: my visits",
        short_name: "My visits",
        description: "Book a doctor, see your place in the line, get told when it is your turn",
        start_url: "/patient/",
        scope: "/patient/",
        display: "standalone",
        orientation: "portrait",
        background_color: "#ffffff",
        theme_color: "#0b6e4f",
        icons: [
          { src: "icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
          { src: "icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
        ],
      },
      injectManifest: {
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
      },
    }),
  ],
  build: { outDir: "../dist/patient", emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false,
    chunkSizeWarningLimit: 1024 },
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
} as never);
