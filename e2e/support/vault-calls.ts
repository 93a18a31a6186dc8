/**
 * Calling `window.turnkeySession` from specs: each call runs in the page and comes back as an
 * outcome (value, or the error's name, code and message), so specs can assert on rejections
 * without the page's exception crossing into Node. Plus `login` (createApiKeyPair → mint at the
 * stand-in → storeSession, as a dApp logs in) and `vaultStorage` (what the extension stores).
 */
import type { Frame, Page } from "@playwright/test";
import type { Frame as PuppeteerFrame, Page as PuppeteerPage } from "puppeteer-core";
import type { Standin } from "../standin/server.ts";
import type { VaultBrowser } from "./browser.ts";

/**
 * A page or frame of either driver: Playwright's (Chromium specs) or puppeteer's (Firefox specs).
 * Both run `evaluate(fn, arg)` in the page with one serialisable argument, the only form used here.
 */
export type VaultPage = Page | Frame | PuppeteerPage | PuppeteerFrame;

function evaluate<A, R>(page: VaultPage, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  return (page as unknown as { evaluate(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> }).evaluate(fn, arg);
}

export type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: { name: string; code?: string; message: string; isError: boolean } };

export function call<T = unknown>(page: VaultPage, method: string, ...args: unknown[]): Promise<Outcome<T>> {
  return evaluate(
    page,
    async ([method, args]: readonly [string, unknown[]]): Promise<Outcome<T>> => {
      try {
        const vault = (window as unknown as { turnkeySession: Record<string, (...a: unknown[]) => Promise<unknown>> }).turnkeySession;
        return { ok: true as const, value: (await vault[method]!(...args)) as T };
      } catch (e) {
        const error = e as { name: string; code?: string; message: string };
        return { ok: false as const, error: { name: error.name, code: error.code, message: error.message, isError: e instanceof Error } };
      }
    },
    [method, args] as const,
  );
}

/** The value of a call that must succeed; throws with the vault's error otherwise. */
export async function value<T = unknown>(page: VaultPage, method: string, ...args: unknown[]): Promise<T> {
  const outcome = await call<T>(page, method, ...args);
  if (!outcome.ok) throw new Error(`${method} failed: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.value;
}

export interface LoginResult {
  publicKey: string;
  session: string;
  organizationId: string;
  userId: string;
}

/** Logs the page in: a key pair in the vault, a first session minted for it, stored. */
export async function login(
  page: VaultPage,
  standin: Standin,
  options: { sessionKey?: string; organizationId?: string; userId?: string; expirationSeconds?: number } = {},
): Promise<LoginResult> {
  const publicKey = await value<string>(page, "createApiKeyPair");
  const { sessionKey, ...mintOptions } = options;
  const minted = standin.mint({ publicKey, ...mintOptions });
  await value(page, "storeSession", { sessionToken: minted.session, apiBaseUrl: standin.url, ...(sessionKey ? { sessionKey } : {}) });
  return { publicKey, ...minted };
}

/** Everything in the extension's `chrome.storage.local`. */
export async function vaultStorage(vault: VaultBrowser): Promise<Record<string, unknown>> {
  const worker = await vault.workerHandle();
  return worker.evaluate(() => chrome.storage.local.get(null));
}

export const keyPairKeys = (storage: Record<string, unknown>) => Object.keys(storage).filter((key) => key.startsWith("keypair:")).sort();

export interface RecordedEvent {
  type: string;
  sessionKey: string;
  /** The event carried a session with its token (sessionStored, sessionRefreshed). */
  hasToken: boolean;
}

/** Starts recording the vault's events in the page; returns a reader of what arrived so far. */
export async function recordEvents(page: VaultPage): Promise<() => Promise<RecordedEvent[]>> {
  await evaluate(page, () => {
    const seen: unknown[] = ((window as unknown as { seen: unknown[] }).seen = []);
    const vault = (window as unknown as { turnkeySession: EventTarget }).turnkeySession;
    for (const type of ["sessionStored", "sessionRefreshed", "sessionExpiring", "sessionExpired", "sessionCleared"]) {
      vault.addEventListener(type, (event) => {
        const detail = (event as CustomEvent).detail;
        seen.push({ type, sessionKey: detail.sessionKey, hasToken: typeof detail.session?.token === "string" });
      });
    }
  }, undefined);
  return () => evaluate(page, () => (window as unknown as { seen: RecordedEvent[] }).seen, undefined);
}
