import { defineConfig } from "vitest/config";

// The Firefox e2e suite (`npm run test:firefox`): one spec file at a time, each with its own
// Firefox ESR (e2e/support/firefox-fixture.ts); the machines have two cores.
export default defineConfig({
  test: {
    include: ["e2e/firefox/**/*.spec.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
