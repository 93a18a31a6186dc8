/**
 * Launches Debian's Firefox ESR under puppeteer-core (WebDriver BiDi) with the Firefox build of
 * the vault (`dist-firefox/`) installed as a temporary add-on, in a fresh temporary profile, and
 * hands back what specs need: pages, the popup, the add-on's `storage.local`, and control over
 * its background. Playwright cannot drive a stock Firefox and no geckodriver exists here, hence
 * a second driver. Firefox's background is an event page, not a service worker: it is stopped the
 * way about:debugging's "Terminate" does, through chrome-privileged script that BiDi may run only
 * with `--remote-allow-system-access`.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { REPO_ROOT } from "./browser.ts";

const FIREFOX_CANDIDATES = ["/usr/bin/firefox-esr", "/usr/bin/firefox"];
const WAIT_MS = 15_000;

/** The Firefox to drive: `FIREFOX_PATH`, else Debian's. Throws with install advice if none. */
export function findFirefox(): string {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`FIREFOX_PATH is set to ${fromEnv}, but no file is there.`);
  }
  const found = FIREFOX_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    `No Firefox found (looked at ${FIREFOX_CANDIDATES.join(", ")}). Install one with ` +
      "`apt-get update && apt-get install -y firefox-esr` (bash .ci/setup does), or set FIREFOX_PATH.",
  );
}

/** A running Firefox with the vault installed. */
export interface FirefoxVault {
  browser: Browser;
  /** The add-on id (`browser_specific_settings.gecko.id`). */
  addonId: string;
  /** The folder it was installed from (`dist-firefox/` unless given). */
  extensionDir: string;
  /** `moz-extension://<uuid>`: a per-profile host, not the id. */
  extensionOrigin: string;
  /** Opens `url` in a new tab and waits until the page sees `window.turnkeySession`. */
  openPage(url: string): Promise<Page>;
  /** Opens an extension page (e.g. `popup/index.html`) in a tab and waits until `ready` holds in it. */
  openExtensionPage(path: string, ready: string): Promise<Page>;
  /** Everything in the add-on's `storage.local`, read from an extension page (which wakes the background). */
  storageLocal(): Promise<Record<string, unknown>>;
  /** Stops the background as about:debugging's "Terminate" does; resolves once it has stopped. */
  terminateBackground(): Promise<void>;
  backgroundRunning(): Promise<boolean>;
  close(): Promise<void>;
}

interface BidiConnection {
  send(method: string, params: object): Promise<{ result: { type: string; result?: { value?: unknown }; exceptionDetails?: { text: string } } }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something other than `undefined`/`false`. */
export async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export async function launchFirefoxVault(opts: { extensionDir?: string } = {}): Promise<FirefoxVault> {
  const extensionDir = resolve(opts.extensionDir ?? join(REPO_ROOT, "dist-firefox"));
  const manifestFile = join(extensionDir, "manifest.json");
  if (!existsSync(manifestFile)) throw new Error(`No Firefox build at ${extensionDir}: run npm run build:firefox first.`);
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { browser_specific_settings: { gecko: { id: string } } };
  const userDataDir = await mkdtemp(join(tmpdir(), "tsv-firefox-"));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: findFirefox(),
      headless: true,
      userDataDir,
      args: ["--remote-allow-system-access"],
      // Stay off the network: no update, telemetry or captive-portal checks; every spec host is loopback.
      extraPrefsFirefox: { "network.captive-portal-service.enabled": false, "app.update.enabled": false, "extensions.update.enabled": false },
    });
    const addonId = await browser.installExtension(extensionDir);
    if (addonId !== manifest.browser_specific_settings.gecko.id) throw new Error(`Installed ${addonId}, expected ${manifest.browser_specific_settings.gecko.id}`);
    return await vaultOf(browser, addonId, extensionDir, userDataDir);
  } catch (error) {
    await browser?.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}

async function vaultOf(browser: Browser, addonId: string, extensionDir: string, userDataDir: string): Promise<FirefoxVault> {
  const connection = (browser as unknown as { connection: BidiConnection }).connection;

  /** Evaluates `expression` in the browser's chrome window, with chrome privileges. */
  async function privileged<T>(expression: string): Promise<T> {
    const tree = (await connection.send("browsingContext.getTree", { "moz:scope": "chrome" })) as unknown as { result: { contexts: { context: string }[] } };
    const context = tree.result.contexts[0]?.context;
    if (context === undefined) throw new Error("No chrome window to run privileged script in");
    const { result } = await connection.send("script.evaluate", { expression, target: { context }, awaitPromise: true });
    if (result.type !== "success") throw new Error(`Chrome script failed: ${result.exceptionDetails?.text ?? "unknown"}\n${expression}`);
    return result.result?.value as T;
  }
  const debugUtils = `ChromeUtils.importESModule("resource://gre/modules/ExtensionParent.sys.mjs").ExtensionParent.DebugUtils`;
  const id = JSON.stringify(addonId);
  const host = await privileged<string>(`WebExtensionPolicy.getByID(${id}).mozExtensionHostname`);
  const extensionOrigin = `moz-extension://${host}`;
  const backgroundRunning = () => privileged<boolean>(`${debugUtils}.isBackgroundScriptRunning(${id})`);

  async function openExtensionPage(path: string, ready: string): Promise<Page> {
    const page = await browser.newPage();
    // moz-extension pages report no load event over BiDi: navigate without waiting, then poll.
    await page.goto(`${extensionOrigin}/${path}`, { waitUntil: [] as never }).catch(() => {});
    await until(() => page.evaluate(ready), `${path} to be ready (${ready})`);
    return page;
  }

  let closed: Promise<void> | undefined;
  return {
    browser,
    addonId,
    extensionDir,
    extensionOrigin,
    async openPage(url) {
      const page = await browser.newPage();
      await page.goto(url);
      await until(() => page.evaluate(() => !!(window as { turnkeySession?: unknown }).turnkeySession), `window.turnkeySession on ${url}`).catch(() => {
        throw new Error(`window.turnkeySession did not appear on ${url}: is the add-on's page script injected?`);
      });
      return page;
    },
    openExtensionPage,
    async storageLocal() {
      const page = await openExtensionPage("popup/index.html", "typeof browser === 'object'");
      try {
        return await page.evaluate(() => (globalThis as unknown as { browser: typeof chrome }).browser.storage.local.get(null) as Promise<Record<string, unknown>>);
      } finally {
        await page.close();
      }
    },
    async terminateBackground() {
      await privileged(`${debugUtils}.terminateBackgroundScript(${id})`);
      await until(async () => !(await backgroundRunning()), "the background to stop");
    },
    backgroundRunning,
    close() {
      closed ??= browser.close().then(() => rm(userDataDir, { recursive: true, force: true, maxRetries: 3 }));
      return closed;
    },
  };
}
