/**
 * Builds `bench/core-page/main.ts` (`@turnkey/core` with and without the drop-in, in one page)
 * into one IIFE, `bench/results/.build/pages/core-page.js`, minified for Chrome 111.
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
      name: "BenchCorePage",
      fileName: () => "core-page.js",
    },
  },
});
