/**
 * Launches Debian's Chromium under Playwright with the built extension loaded, in a persistent
 * profile (extensions only load in one), and hands back what specs need: the context, the
 * extension's service worker and id, the popup URL, and control over the worker through CDP.
 * Follows docs/contributing.md#browsers-for-tests: headless by default, no X server needed, and
 * never our own `--disable-features` (it would replace Playwright's list). The network flags
 * keep Chromium from calling home; the only hosts a spec reaches are on loopback.
 */
import { chromium, type BrowserContext, type Worker } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ServiceWorkerControl, type WorkerRunningStatus } from "./service-worker.ts";

/** The repository root (this file lives in `e2e/support/`). */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A running Chromium with the vault extension loaded. */
export interface VaultBrowser {
  context: BrowserContext;
  /** The extension's service worker; the same handle keeps working after a restart. */
  worker: Worker;
  extensionId: string;
  /** `chrome-extension://<id>/popup/index.html` (the manifest's `action.default_popup`). */
  popupUrl: string;
  userDataDir: string;
  /** Stops the worker through CDP (`ServiceWorker.stopWorker`); resolves once it has stopped. */
  stopWorker(): Promise<void>;
  /** The worker's running status as CDP reports it; does not wake it. */
  workerStatus(): Promise<WorkerRunningStatus>;
  /** The current worker, started first through CDP if it is not running. */
  workerHandle(): Promise<Worker>;
  /** Closes the browser; deletes the profile unless it is kept. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The unpacked extension to load; default `<repo>/dist`. */
  extensionDir?: string;
  /** Reuse this profile (relaunch the same browser); default a new temp dir. */
  userDataDir?: string;
  /** Default true; a headed browser needs an X display. */
  headless?: boolean;
  /** Keep the profile on close; default false for a temp profile, true for a given `userDataDir`. */
  keepProfile?: boolean;
  /**
   * Default true: Playwright closes Chromium on Ctrl-C (then exits 130) and SIGTERM. Pass false
   * when the caller handles those signals and calls `close()` itself (Chromium is still killed
   * when the process exits).
   */
  handleSignals?: boolean;
}

const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const WORKER_START_MS = 20_000;

/** The Chromium to drive: `CHROMIUM_PATH`, else Debian's. Throws with install advice if none. */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but no file is there.`);
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    `No Chromium found (looked at ${CHROMIUM_CANDIDATES.join(", ")}). ` +
      "Install one with `apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH " +
      "to a Chromium binary. (`npx playwright install` cannot download browsers here.)",
  );
}

/** Chromium's flags: load only these unpacked extensions, and stay off the network. */
export function chromiumArgs(...extensionDirs: string[]): string[] {
  return [
    `--disable-extensions-except=${extensionDirs.join(",")}`,
    `--load-extension=${extensionDirs.join(",")}`,
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
}

function readManifest(extensionDir: string): { action?: { default_popup?: string } } {
  const file = join(extensionDir, "manifest.json");
  if (!existsSync(file)) {
    throw new Error(`No built extension at ${extensionDir} (manifest.json is missing): run npm run build first.`);
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

async function firstExtensionWorker(context: BrowserContext, extensionDir: string): Promise<Worker> {
  const isExtension = (w: Worker) => w.url().startsWith("chrome-extension://");
  const running = context.serviceWorkers().find(isExtension);
  if (running) return running;
  return context.waitForEvent("serviceworker", { predicate: isExtension, timeout: WORKER_START_MS }).catch(() => {
    throw new Error(
      `The extension's service worker did not start within ${WORKER_START_MS / 1000} s. Does ` +
        `${extensionDir}/manifest.json declare background.service_worker, and does that script load without errors?`,
    );
  });
}

/** Launches Chromium with the extension and waits for its service worker. */
export async function launchVault(opts: LaunchOptions = {}): Promise<VaultBrowser> {
  const extensionDir = resolve(opts.extensionDir ?? join(REPO_ROOT, "dist"));
  const manifest = readManifest(extensionDir);
  const executablePath = findChromium();
  const userDataDir = opts.userDataDir ?? (await mkdtemp(join(tmpdir(), "tsv-profile-")));
  const keepProfile = opts.keepProfile ?? opts.userDataDir !== undefined;
  const removeProfile = () => (keepProfile ? Promise.resolve() : rm(userDataDir, { recursive: true, force: true, maxRetries: 3 }));

  let context: BrowserContext | undefined;
  let worker: Worker;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: opts.headless ?? true,
      chromiumSandbox: false, // we run as root: Playwright then passes --no-sandbox
      handleSIGINT: opts.handleSignals ?? true,
      handleSIGTERM: opts.handleSignals ?? true,
      args: chromiumArgs(extensionDir),
    });
    worker = await firstExtensionWorker(context, extensionDir);
  } catch (error) {
    await context?.close().catch(() => {});
    await removeProfile();
    throw error;
  }

  const ctx = context;
  const extensionId = new URL(worker.url()).host;
  const origin = `chrome-extension://${extensionId}/`;
  const control = new ServiceWorkerControl(ctx, origin);
  let closed: Promise<void> | undefined;

  return {
    context: ctx,
    worker,
    extensionId,
    popupUrl: origin + (manifest.action?.default_popup ?? "popup/index.html").replace(/^\//, ""),
    userDataDir,
    stopWorker: () => control.stop(),
    workerStatus: () => control.status(),
    async workerHandle() {
      await control.start();
      const current = ctx.serviceWorkers().filter((w) => w.url().startsWith(origin)).at(-1);
      return current ?? ctx.waitForEvent("serviceworker", { predicate: (w) => w.url().startsWith(origin) });
    },
    close() {
      closed ??= ctx.close().then(removeProfile);
      return closed;
    },
  };
}
