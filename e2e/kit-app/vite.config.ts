/**
 * Builds the react-wallet-kit test app (`e2e/kit-app/`) with vite into `e2e/demo/dapp/kit-app/`
 * (ignored by git), where the dApp server serves it at `/kit-app/`. Built by
 * `e2e/support/kit-app.ts` before the kit specs and the kit benchmark run.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/kit-app/",
  logLevel: "warn",
  // Node's `Buffer` is referenced by the kit's dependencies; `buffer` is its browser version.
  define: { global: "globalThis" },
  build: {
    outDir: fileURLToPath(new URL("../demo/dapp/kit-app", import.meta.url)),
    emptyOutDir: true,
    target: "chrome111",
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // The kit's dependencies ship "use client" directives and one direct eval (lottie): not ours to fix.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE" && warning.code !== "EVAL") warn(warning);
      },
    },
  },
});
