/**
 * Builds `bench/sdk-page/main.ts` (Turnkey's `@turnkey/core` in a page) into one IIFE,
 * `bench/results/.build/pages/sdk-page.js`, minified for Chrome 111 like the extension.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../results/.build/pages", import.meta.url)),
    emptyOutDir: false,
    target: "chrome111",
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL("./main.ts", import.meta.url)),
      formats: ["iife"],
      name: "BenchSdkPage",
      fileName: () => "sdk-page.js",
    },
  },
});
