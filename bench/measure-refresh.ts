/**
 * 2. refreshSession end to end, against the local Turnkey stand-in: the time a page waits for
 * `turnkeySession.refreshSession()` (bridge → worker: new P-256 key pair encrypted at rest and
 * kept in memory, `stamp_login` signed in the worker with WebCrypto, fetch from the worker, new
 * session and key pair stored in one write, old key pair deleted) to resolve.
 *
 * Baseline: Turnkey's own SDK doing the same refresh inside the same page — `@turnkey/core`
 * 2.8.1 `TurnkeyClient.refreshSession()` with its IndexedDB stamper (WebCrypto key pair,
 * IndexedDB writes, localStorage session, unused key pairs cleared), pointed at the same
 * stand-in with `apiBaseUrl` (bench/sdk-page/main.ts). Same defaults on both sides (active
 * session, 900 s, new key pair, no invalidation), same stand-in work per call (stamp
 * verification, a new expiring API key, a signed session JWT), one refresh in flight at a time,
 * alternating vault/SDK (and which goes first) call by call.
 */
import type { Page } from "@playwright/test";
import { alternatingRefreshes } from "./support/alternating-refreshes.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { openSdkPage, type BenchWindow } from "./support/pages.ts";
import { pairedRow } from "./table.ts";

type Side = "vault" | "sdk";

function timeRefresh(page: Page, side: Side): Promise<{ ms: number; session: string }> {
  return page.evaluate(async (side) => {
    const t0 = performance.now();
    const session =
      side === "vault"
        ? ((await (window as unknown as BenchWindow).turnkeySession.refreshSession!()) as { session: string }).session
        : await (window as unknown as BenchWindow).benchSdk.refreshSession();
    return { ms: performance.now() - t0, session };
  }, side);
}

export const refresh: Measure = {
  id: "refresh",
  title: "2. refreshSession end to end (stand-in)",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const count = ctx.quick ? 12 : 120;
    const warmup = ctx.quick ? 2 : 5;
    const { page } = await openSdkPage(ctx);
    try {
      const { times, stampLogins } = await alternatingRefreshes(
        ctx.standin,
        ["vault", "sdk"],
        { vault: () => timeRefresh(page, "vault"), sdk: () => timeRefresh(page, "sdk") },
        { count, warmup },
      );
      return {
        rows: [
          pairedRow({
            group: this.title,
            name: "refreshSession() from the page",
            unit: "ms",
            vault: times.vault, // the ratio spread pairs consecutive calls: vault i vs SDK i
            baseline: { label: "@turnkey/core in-page (IndexedDB stamper)", rounds: times.sdk },
            target: { text: "≤ 1.0× in-page SDK", maxRatio: 1.0 },
            note: `${count} refreshes each after ${warmup} warm-up each, alternating; every one checked at the stand-in (${stampLogins} stamp_login, all 200). Ratio spread is over the ${count} vault/SDK pairs.`,
          }),
        ],
      };
    } finally {
      await page.close();
    }
  },
};
