/**
 * Playwright configuration for the extension's end-to-end specs (`e2e/specs/`). The fixtures in
 * `e2e/support/fixtures.ts` launch Debian's Chromium with the built extension and start the
 * stand-in and dApp servers themselves, so there is no `webServer` and no browser project here.
 * One worker: the machines have two cores and every test runs its own Chromium.
 */
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "e2e/specs",
  testMatch: "*.spec.ts",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: "list",
  outputDir: "test-results",
});
