/**
 * Opening the benchmark pages and logging them in. Every page is served by the bench server
 * (cross-origin isolated, so `performance.now()` is fine-grained) and has both page APIs:
 * the vault's `(window as unknown as BenchWindow).turnkeySession` and the echo extension's `(window as unknown as BenchWindow).benchEcho`; `/sdk.html`
 * also has Turnkey's own SDK as `(window as unknown as BenchWindow).benchSdk`.
 */
import type { Page } from "@playwright/test";
import { login, type LoginResult } from "../../e2e/support/vault-calls.ts";
import type { BenchContext } from "./context.ts";

const WAIT_MS = 15_000;
const PLACEHOLDER_ORG = "00000000-0000-4000-8000-000000000000";

export async function openBenchPage(ctx: BenchContext, path = "/index.html"): Promise<Page> {
  const page = await ctx.browser.context.newPage();
  await page.goto(ctx.server.url(path));
  await page
    .waitForFunction(() => "turnkeySession" in window && "benchEcho" in window, undefined, { timeout: WAIT_MS })
    .catch(() => {
      throw new Error(`(window as unknown as BenchWindow).turnkeySession and (window as unknown as BenchWindow).benchEcho did not both appear on ${path}: are both extensions loaded?`);
    });
  const isolated = await page.evaluate(() => crossOriginIsolated);
  if (!isolated) ctx.log(`  (warning: ${path} is not cross-origin isolated; performance.now() is coarse there)`);
  return page;
}

export interface SdkPage {
  page: Page;
  vaultLogin: LoginResult;
  sdkLogin: { publicKey: string; session: string; organizationId: string; userId: string };
}

/**
 * `/sdk.html`, logged in twice against the stand-in, as a dApp logs in: once in the vault
 * (key pair in the vault, first session minted for it, stored) and once in the in-page SDK
 * (key pair in the SDK's IndexedDB, first session minted for it, `storeSession`).
 */
export async function openSdkPage(ctx: BenchContext): Promise<SdkPage> {
  const page = await openBenchPage(ctx, "/sdk.html");
  await page.waitForFunction(() => "benchSdk" in window, undefined, { timeout: WAIT_MS });
  const vaultLogin = await login(page, ctx.standin);
  // The SDK wants an organizationId at construction; its stamp_login uses the session's own.
  await page.evaluate(([url, org]) => (window as unknown as BenchWindow).benchSdk.init(url, org), [ctx.standin.url, PLACEHOLDER_ORG] as const);
  const publicKey = await page.evaluate(() => (window as unknown as BenchWindow).benchSdk.createApiKeyPair());
  const minted = ctx.standin.mint({ publicKey });
  await page.evaluate((token) => (window as unknown as BenchWindow).benchSdk.storeSession(token), minted.session);
  return { page, vaultLogin, sdkLogin: { publicKey, ...minted } };
}

/** What the bench pages have on `window` (a cast, not a global augmentation of `Window`). */
export interface BenchWindow {
  benchEcho: { call(method: string, ...args: unknown[]): Promise<unknown> };
  benchSdk: {
    init(apiBaseUrl: string, organizationId: string): Promise<void>;
    createApiKeyPair(): Promise<string>;
    storeSession(token: string): Promise<void>;
    refreshSession(): Promise<string>;
    getActiveSessionKey(): Promise<string | undefined>;
    stamp(payload: string): Promise<{ stampHeaderName: string; stampHeaderValue: string }>;
    sign(payload: string, format: "der" | "raw"): Promise<string>;
  };
  turnkeySession: Record<string, (...args: unknown[]) => Promise<unknown>>;
}
