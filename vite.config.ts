import { fileURLToPath } from "node:url";
import { crx } from "@crxjs/vite-plugin";
import { defineConfig } from "vite";
import { inlineStyles } from "./build/inline-styles.ts";
import { lazyContentModules } from "./build/lazy-content.ts";
import manifest from "./manifest.json" with { type: "json" };

// TURNKEY_API_BASE_URL sets the default API base URL of a build (docs/api.md#settings).
const defaultApiBaseUrl = process.env.TURNKEY_API_BASE_URL ?? "https://api.turnkey.com";

/**
 * Packages that only define things: `@turnkey/http` reaches `@turnkey/crypto` (and through it
 * an X.509 and ASN.1 stack) via `@turnkey/api-key-stamper`, none of which the worker calls, but
 * none of which declares `sideEffects: false`, so the bundler kept all of it (~150 KB).
 */
const PURE_PACKAGES = /node_modules\/(@turnkey|@peculiar|asn1js|tsyringe|reflect-metadata|pvtsutils|pvutils|borsh|@noble|bs58|bs58check|base-x|sha256-uint8array)\//;

export default defineConfig({
  plugins: [crx({ manifest: manifest as Parameters<typeof crx>[0]["manifest"] }), lazyContentModules(), inlineStyles()],
  define: { __DEFAULT_API_BASE_URL__: JSON.stringify(defaultApiBaseUrl), __INJECTS_INTO_OPEN_TABS__: "false", __IMPORTS_RESOLVE_AGAINST_CONTENT_SCRIPT__: "true" },
  resolve: {
    // A bound fetch for @turnkey/http in the service worker (see extension/bound-fetch.ts).
    alias: { "cross-fetch": fileURLToPath(new URL("./extension/bound-fetch.ts", import.meta.url)) },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "chrome111",
    sourcemap: false,
    rollupOptions: {
      treeshake: { moduleSideEffects: (id: string) => !PURE_PACKAGES.test(id) },
    },
  },
  server: { port: 5173, strictPort: true },
});
