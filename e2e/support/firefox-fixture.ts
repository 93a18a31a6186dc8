/**
 * The Firefox suite's fixture (vitest): per spec file, the Turnkey stand-in, the demo dApp
 * server (two origins) and one Firefox with the vault, closed after the file. Tests in a file
 * share the browser, so each uses its own session keys; the stand-in is reset before each test.
 *
 * @example
 * const ff = useFirefoxVault();
 * it("logs in", async () => { const page = await ff.openDapp(0); await login(page, ff.standin); });
 */
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startStandin, type Standin } from "../standin/server.ts";
import { startDappServer, type DappServer } from "./dapp-server.ts";
import { launchFirefoxVault, type FirefoxVault } from "./firefox.ts";

export interface FirefoxFixture {
  readonly vault: FirefoxVault;
  readonly standin: Standin;
  readonly dappServer: DappServer;
  /** Opens a page of the demo dApp server (default its dApp) on origin 0 (127.0.0.1) or 1 (localhost). */
  openDapp(origin: 0 | 1, path?: string): Promise<Page>;
}

export function useFirefoxVault(): FirefoxFixture {
  let vault: FirefoxVault | undefined;
  let standin: Standin | undefined;
  let dappServer: DappServer | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not running (did beforeAll fail?)`);
    return value;
  };
  beforeAll(async () => {
    standin = await startStandin();
    dappServer = await startDappServer({ standinUrl: standin.url });
    vault = await launchFirefoxVault();
  });
  afterAll(async () => {
    await vault?.close();
    await dappServer?.close();
    await standin?.close();
  });
  beforeEach(() => standin?.reset());
  return {
    get vault() { return need(vault, "Firefox"); },
    get standin() { return need(standin, "The stand-in"); },
    get dappServer() { return need(dappServer, "The dApp server"); },
    openDapp(origin, path) {
      const server = need(dappServer, "The dApp server");
      return need(vault, "Firefox").openPage(server.url(server.origins[origin], path));
    },
  };
}
