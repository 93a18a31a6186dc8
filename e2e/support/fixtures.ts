/**
 * Playwright fixtures for the vault's end-to-end specs. Per worker: the Turnkey stand-in and
 * the demo dApp server (two origins), plus `openDapp`. Per test: `vault`, a fresh Chromium
 * profile with the built extension (`dist/`), closed and deleted after the test.
 *
 * @example
 * import { test, expect } from "../support/fixtures.ts";
 * test("logs in", async ({ vault, dappServer, openDapp }) => {
 *   const page = await openDapp(vault, dappServer.origins[0]);
 *   await page.click("#login");
 * });
 */
import { test as base, expect, type Page } from "@playwright/test";
import { startStandin, type Standin } from "../standin/server.ts";
import { launchVault, type VaultBrowser } from "./browser.ts";
import { startDappServer, type DappServer } from "./dapp-server.ts";

const PROVIDER_WAIT_MS = 10_000;

/** Opens `url` in a new tab of `vault` and waits until the page sees `window.turnkeySession`. */
export async function openVaultPage(vault: VaultBrowser, url: string): Promise<Page> {
  const page = await vault.context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => !!(window as { turnkeySession?: unknown }).turnkeySession, undefined, { timeout: PROVIDER_WAIT_MS }).catch(() => {
    throw new Error(`window.turnkeySession did not appear on ${url} within ${PROVIDER_WAIT_MS / 1000} s: is the extension's page script injected?`);
  });
  return page;
}

/** Opens the demo dApp (or another page of its server, e.g. `/frame.html`) on one of its origins. */
export type OpenDapp = (vault: VaultBrowser, origin: string, path?: string) => Promise<Page>;

interface WorkerFixtures {
  standin: Standin;
  dappServer: DappServer;
  openDapp: OpenDapp;
}

interface TestFixtures {
  vault: VaultBrowser;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  standin: [
    async ({}, use) => {
      const standin = await startStandin();
      await use(standin);
      await standin.close();
    },
    { scope: "worker" },
  ],
  dappServer: [
    async ({ standin }, use) => {
      const server = await startDappServer({ standinUrl: standin.url });
      await use(server);
      await server.close();
    },
    { scope: "worker" },
  ],
  openDapp: [
    async ({ dappServer }, use) => {
      await use((vault, origin, path) => openVaultPage(vault, dappServer.url(origin, path)));
    },
    { scope: "worker" },
  ],
  vault: async ({}, use) => {
    const vault = await launchVault();
    await use(vault);
    await vault.close();
  },
});

export { expect };
