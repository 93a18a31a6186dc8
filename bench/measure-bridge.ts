/**
 * 1. Bridge round trip: one trivial vault call from a page — `turnkeySession.getActiveSessionKey()`,
 * which crosses page script → content script → service worker and back and reads an in-memory
 * map — timed per call in the page with `performance.now()` (5 µs resolution: the page is
 * cross-origin isolated), p50 and p95 over ≥ 2,000 calls.
 *
 * Baseline: the echo extension in the same browser and the same page, doing the same hops with
 * nothing else — a MessageChannel from the main-world script to its content script (the same
 * transport the vault uses), a `chrome.runtime` port to its module service worker, which
 * answers at once with a constant string of the same size. So the ratio isolates what the
 * vault adds per call: comlink, the rpc guard on both sides, the envelopes, argument checks
 * and the vault lookup. Calls are sequential (one in flight), after a warm-up, in interleaved
 * rounds whose order alternates, so both see the same machine noise.
 */
import type { Page } from "@playwright/test";
import { login } from "../e2e/support/vault-calls.ts";
import { roundRatios, summarize } from "./stats.ts";
import type { Row } from "./table.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { openBenchPage, type BenchWindow } from "./support/pages.ts";

type Side = "vault" | "echo";

/** Times `n` sequential calls in the page; resolves each call's milliseconds. */
export function timeCalls(page: Page, side: Side, n: number): Promise<number[]> {
  return page.evaluate(
    async ([side, n]) => {
      const call = side === "vault" ? () => (window as unknown as BenchWindow).turnkeySession.getActiveSessionKey!() : () => (window as unknown as BenchWindow).benchEcho.call("getActiveSessionKey");
      const times = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await call();
        times[i] = performance.now() - t0;
      }
      return times;
    },
    [side, n] as const,
  );
}

export const bridge: Measure = {
  id: "bridge",
  title: "1. Bridge round trip",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const total = ctx.quick ? 300 : 2400;
    const perRound = ctx.quick ? 50 : 100;
    const warmup = ctx.quick ? 50 : 300;
    const page = await openBenchPage(ctx);
    try {
      await login(page, ctx.standin);
      const answer = await page.evaluate(() => (window as unknown as BenchWindow).turnkeySession.getActiveSessionKey!());
      if (typeof answer !== "string") throw new Error(`getActiveSessionKey answered ${String(answer)} after login`);
      await timeCalls(page, "vault", warmup);
      await timeCalls(page, "echo", warmup);

      const vaultRounds: number[][] = [];
      const echoRounds: number[][] = [];
      const count = Math.ceil(total / perRound);
      for (let r = 0; r < count; r++) {
        const order: Side[] = r % 2 === 0 ? ["vault", "echo"] : ["echo", "vault"];
        for (const side of order) (side === "vault" ? vaultRounds : echoRounds).push(await timeCalls(page, side, perRound));
      }
      const vault = summarize(vaultRounds.flat());
      const echo = summarize(echoRounds.flat());
      const group = this.title;
      const baseline = "raw echo (postMessage + runtime port)";
      const rows: Row[] = [
        {
          group,
          name: "getActiveSessionKey round trip, p50",
          unit: "ms",
          vault,
          baseline: { label: baseline, figure: echo },
          ratio: vault.median / echo.median,
          ratioSpread: roundRatios(vaultRounds, echoRounds),
          target: { text: "≤ 1.5× raw", met: vault.median / echo.median <= 1.5 },
          note: `${vault.n} calls each, sequential, ${count} interleaved rounds of ${perRound} after ${warmup} warm-up calls; spread columns are over single calls.`,
        },
        {
          group,
          name: "getActiveSessionKey round trip, p95",
          unit: "ms",
          vault: { value: vault.p95 },
          baseline: { label: baseline, figure: { value: echo.p95 } },
          ratio: vault.p95 / echo.p95,
          ratioSpread: roundRatios(vaultRounds, echoRounds, (s) => s.p95),
          target: { text: "≤ 1.5× raw", met: vault.p95 / echo.p95 <= 1.5 },
        },
      ];
      return { rows };
    } finally {
      await page.close();
    }
  },
};
