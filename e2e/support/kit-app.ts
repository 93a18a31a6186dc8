/**
 * The react-wallet-kit test app (`e2e/kit-app/`) for specs and the benchmark: built with vite
 * once per process into `e2e/demo/dapp/kit-app/`, where the dApp server serves it, and opened
 * in a tab until its `<TurnkeyProvider>` is ready (`window.kitApp`, client state "ready").
 */
import type { BrowserContext, Page } from "@playwright/test";
import { join } from "node:path";
import { build } from "vite";
import type { KitAppApi, KitAppState } from "../kit-app/app.ts";
import { REPO_ROOT } from "./browser.ts";
import type { DappServer } from "./dapp-server.ts";

export type { KitAppApi, KitAppState };

/** Where the dApp server serves the app. */
export const KIT_APP_PATH = "/kit-app/index.html";

let built: Promise<void> | undefined;

/** Builds the app (once per process; a failed build is tried again by the next caller). */
export function buildKitApp(): Promise<void> {
  built ??= build({ configFile: join(REPO_ROOT, "e2e/kit-app/vite.config.ts"), logLevel: "warn" }).then(
    () => {},
    (error: unknown) => {
      built = undefined;
      throw error;
    },
  );
  return built;
}

export interface OpenKitAppOptions {
  /** The kit's `auth.autoRefreshSession`; default true, as the kit has it. */
  autoRefresh?: boolean;
  /** Default true; false opens the app without `installSessionVault` (in-page, even with the vault in the browser). */
  vault?: boolean;
  /** Install Playwright's fake clock before the app loads (it runs on from now until moved). */
  fakeClock?: boolean;
}

/** Opens the app on `origin` in a new tab of `context` and waits until the kit is ready. */
export async function openKitApp(context: BrowserContext, dappServer: DappServer, origin: string, options: OpenKitAppOptions = {}): Promise<Page> {
  await buildKitApp();
  const page = await context.newPage();
  if (options.fakeClock) await page.clock.install();
  const url = new URL(dappServer.url(origin, KIT_APP_PATH));
  if (options.autoRefresh === false) url.searchParams.set("autoRefresh", "0");
  if (options.vault === false) url.searchParams.set("vault", "0");
  await page.goto(url.href);
  await page.waitForFunction(() => window.kitApp?.state().clientState === "ready");
  return page;
}

/** The kit's state as the app shows it. */
export const kitState = (page: Page): Promise<KitAppState> => page.evaluate(() => window.kitApp!.state());

/** Runs `window.kitApp[method](...args)` in the page; rejects with the kit's error message. */
export function kitCall<M extends "login" | "refreshSession" | "logout" | "setActiveSession">(
  page: Page,
  method: M,
  ...args: Parameters<KitAppApi[M]>
): Promise<Awaited<ReturnType<KitAppApi[M]>>> {
  return page.evaluate(
    async ([method, args]) => {
      const run = window.kitApp![method] as (...a: unknown[]) => Promise<unknown>;
      return (await run(...args)) as never;
    },
    [method, args] as const,
  );
}
