/**
 * One headless Chromium for the whole benchmark, with BOTH extensions loaded side by side: the
 * built vault (`dist/`) and the bench-only echo extension (`bench/echo-extension/`, the raw
 * baseline). Every measurement runs the vault and its baseline in this same browser, so they
 * share the machine's load at the same moment.
 *
 * Flags are those of `e2e/support/browser.ts` (no network, no own `--disable-features`), plus
 * `--js-flags=--expose-gc` (so heap figures can be taken after a full GC) and
 * `--enable-precise-memory-info` (unbucketed `performance.memory` in pages). Neither changes how
 * code runs. Worker stop/start goes through CDP with the e2e harness's `ServiceWorkerControl`.
 */
import { chromium, type BrowserContext, type CDPSession, type Worker } from "@playwright/test";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromiumArgs, findChromium } from "../../e2e/support/browser.ts";
import { ServiceWorkerControl } from "../../e2e/support/service-worker.ts";

export interface ExtensionHandle {
  name: string;
  id: string;
  /** `chrome-extension://<id>` (no trailing slash). */
  origin: string;
  /** The current worker, started through CDP first if it is stopped. */
  worker(): Promise<Worker>;
  /** Stops the worker through CDP and resolves once it is stopped. */
  stop(): Promise<void>;
}

export interface BenchBrowser {
  context: BrowserContext;
  chromiumVersion: string;
  /** The browser's DevTools WebSocket URL, when launched with `debugPort` (for bench/profile.ts). */
  wsEndpoint?: string;
  vault: ExtensionHandle;
  echo: ExtensionHandle;
  close(): Promise<void>;
}

const WORKER_WAIT_MS = 20_000;

async function manifestName(worker: Worker): Promise<string> {
  return worker.evaluate(() => chrome.runtime.getManifest().name);
}

export async function launchBench(opts: { vaultDir: string; echoDir: string; debugPort?: boolean }): Promise<BenchBrowser> {
  const vaultDir = resolve(opts.vaultDir);
  const echoDir = resolve(opts.echoDir);
  for (const dir of [vaultDir, echoDir]) {
    if (!existsSync(join(dir, "manifest.json"))) throw new Error(`No extension at ${dir} (manifest.json missing); run npm run build first.`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), "tsv-bench-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: true,
    chromiumSandbox: false,
    args: [
      ...chromiumArgs(vaultDir, echoDir),
      "--js-flags=--expose-gc",
      "--enable-precise-memory-info",
      ...(opts.debugPort ? ["--remote-debugging-port=0"] : []),
    ],
  });
  try {
    const isExtension = (w: Worker) => w.url().startsWith("chrome-extension://");
    const deadline = Date.now() + WORKER_WAIT_MS;
    while (context.serviceWorkers().filter(isExtension).length < 2) {
      if (Date.now() > deadline) throw new Error("The two extension workers (vault, echo) did not both start within 20 s.");
      await context.waitForEvent("serviceworker", { timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
    }
    const handles = new Map<string, ExtensionHandle>();
    for (const worker of context.serviceWorkers().filter(isExtension)) {
      const name = await manifestName(worker);
      const id = new URL(worker.url()).host;
      const origin = `chrome-extension://${id}`;
      const control = new ServiceWorkerControl(context, `${origin}/`);
      handles.set(name, {
        name,
        id,
        origin,
        stop: () => control.stop(),
        async worker() {
          await control.start();
          const current = context.serviceWorkers().filter((w) => w.url().startsWith(`${origin}/`)).at(-1);
          return current ?? context.waitForEvent("serviceworker", { predicate: (w) => w.url().startsWith(`${origin}/`) });
        },
      });
    }
    const vault = [...handles.values()].find((h) => !h.name.startsWith("Bench Echo"));
    const echo = [...handles.values()].find((h) => h.name.startsWith("Bench Echo"));
    if (!vault || !echo) throw new Error(`Expected the vault and the echo extension, found: ${[...handles.keys()].join(", ")}`);
    const chromiumVersion = context.browser()?.version() ?? (await browserVersion(context));
    let wsEndpoint: string | undefined;
    if (opts.debugPort) {
      const [port, path] = (await readFile(join(userDataDir, "DevToolsActivePort"), "utf8")).split("\n");
      wsEndpoint = `ws://127.0.0.1:${port}${path}`;
    }
    return {
      context,
      chromiumVersion,
      ...(wsEndpoint ? { wsEndpoint } : {}),
      vault,
      echo,
      async close() {
        await context.close().catch(() => undefined);
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  } catch (error) {
    await context.close().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}

async function browserVersion(context: BrowserContext): Promise<string> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  try {
    const { product } = (await cdp.send("Browser.getVersion")) as { product: string };
    return product;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** A CDP session on some page of the context (for domains that only page targets have). */
export async function pageCdp(context: BrowserContext): Promise<CDPSession> {
  const page = context.pages()[0] ?? (await context.newPage());
  return context.newCDPSession(page);
}
