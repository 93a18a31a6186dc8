/**
 * Stops and starts an extension's service worker through the DevTools protocol, the way
 * Chrome's own idle timeout would, so that specs can prove the vault survives a restart.
 * The `ServiceWorker` CDP domain only exists on page targets, so each call borrows an open
 * page of the context (or a blank one it closes again), enables the domain, follows
 * `ServiceWorker.workerVersionUpdated` for the extension's scope and waits for the running
 * status it asked for. Playwright keeps one `Worker` object per extension worker across such
 * restarts: once the worker runs again, the same handle evaluates in the new instance.
 */
import type { BrowserContext, CDPSession } from "@playwright/test";

/** The states a service worker version passes through, in CDP's words. */
export type WorkerRunningStatus = "stopped" | "starting" | "running" | "stopping";

interface Version { versionId: string; scriptURL: string; runningStatus: WorkerRunningStatus }

const WAIT_MS = 15_000;

/** Control over the service worker registered for one scope (`chrome-extension://<id>/`). */
export class ServiceWorkerControl {
  constructor(private readonly context: BrowserContext, private readonly scopeURL: string) {}

  /** The worker's current running status. */
  status(): Promise<WorkerRunningStatus> {
    return this.withDomain(async (watch) => {
      const versions = await watch.until((vs) => vs.length > 0, "the worker to be registered");
      return versions.some((v) => v.runningStatus === "running") ? "running" : versions[0]!.runningStatus;
    });
  }

  /** Stops every version of the worker and resolves once CDP reports them all `stopped`. */
  stop(): Promise<void> {
    return this.withDomain(async (watch, cdp) => {
      const versions = await watch.until((vs) => vs.length > 0, "the worker to be registered");
      for (const v of versions) {
        if (v.runningStatus !== "stopped") await cdp.send("ServiceWorker.stopWorker", { versionId: v.versionId });
      }
      await watch.until((vs) => vs.every((v) => v.runningStatus === "stopped"), "the worker to stop");
    });
  }

  /** Starts the worker if it is not running (as an incoming event would) and waits until it runs. */
  start(): Promise<void> {
    return this.withDomain(async (watch, cdp) => {
      const versions = await watch.until((vs) => vs.length > 0, "the worker to be registered");
      if (versions.some((v) => v.runningStatus === "running")) return;
      await cdp.send("ServiceWorker.startWorker", { scopeURL: this.scopeURL });
      await watch.until((vs) => vs.some((v) => v.runningStatus === "running"), "the worker to start");
    });
  }

  private async withDomain<T>(body: (watch: VersionWatch, cdp: CDPSession) => Promise<T>): Promise<T> {
    const borrowed = this.context.pages()[0];
    const page = borrowed ?? (await this.context.newPage());
    const cdp = await this.context.newCDPSession(page);
    const watch = new VersionWatch(cdp, this.scopeURL);
    try {
      await cdp.send("ServiceWorker.enable");
      return await body(watch, cdp);
    } finally {
      watch.dispose();
      await cdp.detach().catch(() => {});
      if (!borrowed) await page.close().catch(() => {});
    }
  }
}

/** Follows the versions of one scope's worker and waits for a condition on them. */
class VersionWatch {
  private readonly versions = new Map<string, Version>();
  private readonly waiters = new Set<() => void>();
  private readonly onUpdate = (e: { versions: Version[] }) => {
    for (const v of e.versions) {
      if (v.scriptURL.startsWith(this.scopeURL)) this.versions.set(v.versionId, v);
    }
    for (const check of this.waiters) check();
  };

  constructor(private readonly cdp: CDPSession, private readonly scopeURL: string) {
    cdp.on("ServiceWorker.workerVersionUpdated", this.onUpdate);
  }

  /** Resolves with the versions as soon as `ok` holds for them (checked on every update). */
  until(ok: (versions: Version[]) => boolean, what: string, timeoutMs = WAIT_MS): Promise<Version[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const current = [...this.versions.values()];
        if (!ok(current)) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(current);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = [...this.versions.values()].map((v) => `${v.versionId}:${v.runningStatus}`).join(", ");
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (${this.scopeURL}; versions: ${seen || "none"})`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  dispose(): void {
    this.cdp.off("ServiceWorker.workerVersionUpdated", this.onUpdate);
    this.waiters.clear();
  }
}
