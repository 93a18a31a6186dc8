import { crx } from "@crxjs/vite-plugin";
import { defineConfig } from "vite";
import manifest from "./manifest.json" with { type: "json" };

// TURNKEY_API_BASE_URL sets the default API base URL of a build (vault-contract.md, Settings).
const defaultApiBaseUrl = process.env.TURNKEY_API_BASE_URL ?? "https://api.turnkey.com";

export default defineConfig({
  plugins: [crx({ manifest: manifest as Parameters<typeof crx>[0]["manifest"] })],
  define: { __DEFAULT_API_BASE_URL__: JSON.stringify(defaultApiBaseUrl) },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "chrome111",
    sourcemap: false,
  },
  server: { port: 5173, strictPort: true },
});
