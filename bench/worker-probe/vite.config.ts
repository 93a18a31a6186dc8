/**
 * Builds the in-worker stamping probe (`bench/worker-probe/stamp-probe.ts`) into one IIFE,
 * `bench/results/.build/probe/stamp-probe.js`, minified for Chrome 111 like the extension.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../results/.build/probe", import.meta.url)),
    emptyOutDir: false,
    target: "chrome111",
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL("./stamp-probe.ts", import.meta.url)),
      formats: ["iife"],
      name: "BenchStampProbe",
      fileName: () => "stamp-probe.js",
    },
  },
});
