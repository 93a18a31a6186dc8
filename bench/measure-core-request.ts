/**
 * 8. A stamped `@turnkey/core` request through the drop-in: `TurnkeyClient.fetchUser()` against
 * the local Turnkey stand-in, from a client that `installSessionVault` put on the vault (its
 * active session read from the adapter's cache, the `get_user` body stamped in the extension's
 * worker over the bridge, the request sent from the page).
 *
 * Baseline: the same `fetchUser()` from a plain `TurnkeyClient` in the same page on core's
 * in-page defaults (session from localStorage, stamp by its IndexedDB WebCrypto key). Two users
 * of one dApp, one per side, each logged in as a dApp does (key pair made by the client, first
 * session minted by the stand-in, `storeSession`). One request in flight at a time, alternating
 * vault/in-page (and which goes first) call by call; every request is checked at the stand-in.
 */
import type { Page } from "@playwright/test";
import { roundRatios, summarize } from "./stats.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { openBenchPage } from "./support/pages.ts";

type Side = "vault" | "inPage";

interface BenchCoreWindow {
  benchCore: {
    init(apiBaseUrl: string, organizationId: string): Promise<void>;
    createApiKeyPair(side: Side): Promise<string>;
    storeSession(side: Side, sessionToken: string): Promise<void>;
    fetchUser(side: Side): Promise<string>;
  };
}

const GET_USER = "/public/v1/query/get_user";

function timeFetchUser(page: Page, side: Side): Promise<{ ms: number; userId: string }> {
  return page.evaluate(async (side) => {
    const t0 = performance.now();
    const userId = await (window as unknown as BenchCoreWindow).benchCore.fetchUser(side);
    return { ms: performance.now() - t0, userId };
  }, side);
}

export const coreRequest: Measure = {
  id: "core",
  title: "8. @turnkey/core stamped request through the drop-in (stand-in)",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const count = ctx.quick ? 20 : 300;
    const warmup = ctx.quick ? 3 : 20;
    const page = await openBenchPage(ctx, "/core.html");
    try {
      await page.waitForFunction(() => "benchCore" in window, undefined, { timeout: 15_000 });
      const { organizationId: parent } = ctx.standin.createOrganization({ name: "bench dApp" });
      await page.evaluate(([url, org]) => (window as unknown as BenchCoreWindow).benchCore.init(url, org), [ctx.standin.url, parent] as const);
      const users = {} as Record<Side, string>;
      for (const side of ["vault", "inPage"] as const) {
        const user = ctx.standin.createSubOrganization({ parentOrganizationId: parent, userName: side });
        const publicKey = await page.evaluate((side) => (window as unknown as BenchCoreWindow).benchCore.createApiKeyPair(side), side);
        const { session } = ctx.standin.mint({ publicKey, organizationId: user.organizationId, userId: user.userId });
        await page.evaluate(([side, token]) => (window as unknown as BenchCoreWindow).benchCore.storeSession(side, token), [side, session] as const);
        users[side] = user.userId;
      }

      const before = ctx.standin.requests({ path: GET_USER }).length;
      for (let i = 0; i < warmup; i++) {
        await timeFetchUser(page, "vault");
        await timeFetchUser(page, "inPage");
      }
      const times: Record<Side, number[][]> = { vault: [], inPage: [] };
      for (let i = 0; i < count; i++) {
        const order: Side[] = i % 2 === 0 ? ["vault", "inPage"] : ["inPage", "vault"];
        for (const side of order) {
          const { ms, userId } = await timeFetchUser(page, side);
          if (userId !== users[side]) throw new Error(`fetchUser on the ${side} side returned ${userId}, not ${users[side]}`);
          times[side].push([ms]);
        }
      }
      const calls = ctx.standin.requests({ path: GET_USER }).slice(before);
      const verified = calls.filter((c) => c.status === 200 && c.verifiedStamp?.stamper === "api-key").length;
      if (calls.length !== 2 * (count + warmup) || verified !== calls.length) {
        throw new Error(`expected ${2 * (count + warmup)} get_user calls, all 200 with a verified API-key stamp; saw ${calls.length} (${verified} verified)`);
      }
      const vault = summarize(times.vault.flat());
      const inPage = summarize(times.inPage.flat());
      return {
        rows: [
          {
            group: this.title,
            name: "fetchUser() from a TurnkeyClient after installSessionVault",
            unit: "ms",
            vault,
            baseline: { label: "@turnkey/core in-page (IndexedDB stamper)", figure: inPage },
            ratio: vault.median / inPage.median,
            ratioSpread: roundRatios(times.vault, times.inPage),
            target: { text: "≤ 1.1× in-page core", met: vault.median / inPage.median <= 1.1 },
            note: `${count} requests each after ${warmup} warm-up each, alternating; every one answered 200 by the stand-in with a verified stamp. Ratio spread is over the ${count} vault/in-page pairs.`,
          },
        ],
      };
    } finally {
      await page.close();
    }
  },
};
