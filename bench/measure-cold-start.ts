/**
 * 4. Cold start: the extension's service worker is stopped through CDP
 * (`ServiceWorker.stopWorker`, as Chrome's idle timeout would), then a logged-in page makes its
 * first call and we time, in the page, until it answers: worker start (module load and
 * evaluation), the content script's reconnect, and for the vault its first read of storage.
 * Vault: `getActiveSessionKey()`; also, for information, a first `stamp()` (which adds the
 * wrapping key's IndexedDB read, the AES-GCM decrypt and the key's import).
 *
 * Baseline: the echo extension (a module service worker of a few lines) stopped and called the
 * same way from the same page, in the same rounds, in rotating order.
 */
import type { Page } from "@playwright/test";
import { setTimeout as sleep } from "node:timers/promises";
import { login } from "../e2e/support/vault-calls.ts";
import { roundRatios, summarize } from "./stats.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { openBenchPage, type BenchWindow } from "./support/pages.ts";
import { stampLoginBody } from "./measure-stamp.ts";

type Probe = "vault" | "vaultStamp" | "echo";

/** Lets the content scripts see their ports disconnect before the next call. */
const SETTLE_MS = 200;

export async function timeFirstCall(page: Page, probe: Probe): Promise<number> {
  return page.evaluate(
    async ([probe, payload]) => {
      const t0 = performance.now();
      if (probe === "vault") await (window as unknown as BenchWindow).turnkeySession.getActiveSessionKey!();
      else if (probe === "vaultStamp") await (window as unknown as BenchWindow).turnkeySession.stamp!(payload);
      else await (window as unknown as BenchWindow).benchEcho.call("getActiveSessionKey");
      return performance.now() - t0;
    },
    [probe, stampLoginBody()] as const,
  );
}

export const coldStart: Measure = {
  id: "cold",
  title: "4. Cold start (worker stopped through CDP)",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const rounds = ctx.quick ? 3 : 30;
    const page = await openBenchPage(ctx);
    try {
      await login(page, ctx.standin);
      await timeFirstCall(page, "echo");
      const times: Record<Probe, number[][]> = { vault: [], vaultStamp: [], echo: [] };
      const probes: Probe[] = ["vault", "echo", "vaultStamp"];
      for (let r = 0; r < rounds; r++) {
        const order = [...probes.slice(r % 3), ...probes.slice(0, r % 3)];
        for (const probe of order) {
          await (probe === "echo" ? ctx.browser.echo : ctx.browser.vault).stop();
          await sleep(SETTLE_MS);
          times[probe].push([await timeFirstCall(page, probe)]);
        }
      }
      const vault = summarize(times.vault.flat());
      const stamp = summarize(times.vaultStamp.flat());
      const echo = summarize(times.echo.flat());
      const baseline = { label: "echo extension, same stop", figure: echo };
      const group = this.title;
      return {
        rows: [
          {
            group,
            name: "first getActiveSessionKey() after stop",
            unit: "ms",
            vault,
            baseline,
            ratio: vault.median / echo.median,
            ratioSpread: roundRatios(times.vault, times.echo),
            target: { text: "≤ echo + 50 ms", met: vault.median - echo.median <= 50 },
            note: `${rounds} rounds, rotating order; difference of medians ${(vault.median - echo.median).toFixed(1)} ms`,
          },
          {
            group,
            name: "first stamp() after stop (info)",
            unit: "ms",
            vault: stamp,
            baseline,
            ratio: stamp.median / echo.median,
            ratioSpread: roundRatios(times.vaultStamp, times.echo),
            note: `difference of medians ${(stamp.median - echo.median).toFixed(1)} ms (adds the wrapping key read, the decrypt and the key import to the cold start)`,
          },
        ],
      };
    } finally {
      await page.close();
    }
  },
};
