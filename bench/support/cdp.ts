/**
 * CDP on an extension's service-worker target, which Playwright does not hand out: a page
 * session lists the targets (`Target.getTargets`), attaches to the worker's (non-flat) and
 * talks to it through `Target.sendMessageToTarget`. Used for the worker's JS heap (a full GC
 * with `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`) and for CPU profiles.
 */
import type { BrowserContext, CDPSession } from "@playwright/test";

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

export interface WorkerCdp {
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function attachToWorker(context: BrowserContext, extensionId: string): Promise<WorkerCdp> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp: CDPSession = await context.newCDPSession(page);
  const { targetInfos } = (await cdp.send("Target.getTargets" as never)) as { targetInfos: TargetInfo[] };
  const target = targetInfos.find((t) => t.type === "service_worker" && t.url.startsWith(`chrome-extension://${extensionId}/`));
  if (!target) {
    await cdp.detach().catch(() => undefined);
    throw new Error(`no running service worker target for extension ${extensionId}`);
  }
  const { sessionId } = (await cdp.send("Target.attachToTarget" as never, { targetId: target.targetId, flatten: false } as never)) as { sessionId: string };
  let nextId = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const onMessage = (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : waiting.get(message.id);
    if (!waiter) return;
    waiting.delete(message.id!);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  };
  cdp.on("Target.receivedMessageFromTarget" as never, onMessage as never);
  return {
    send<T>(method: string, params: Record<string, unknown> = {}) {
      return new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        cdp.send("Target.sendMessageToTarget" as never, { sessionId, message: JSON.stringify({ id, method, params }) } as never).catch(reject);
      });
    },
    async close() {
      cdp.off("Target.receivedMessageFromTarget" as never, onMessage as never);
      await cdp.send("Target.detachFromTarget" as never, { sessionId } as never).catch(() => undefined);
      await cdp.detach().catch(() => undefined);
    },
  };
}

/** The worker's used JS heap in bytes after a full garbage collection. */
export async function workerHeapAfterGc(context: BrowserContext, extensionId: string): Promise<number> {
  const cdp = await attachToWorker(context, extensionId);
  try {
    await cdp.send("HeapProfiler.collectGarbage");
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = await cdp.send<{ usedSize: number }>("Runtime.getHeapUsage");
    return usedSize;
  } finally {
    await cdp.close();
  }
}
