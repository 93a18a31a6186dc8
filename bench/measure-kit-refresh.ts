/**
 * 7. `useTurnkey().refreshSession()` of a real `@turnkey/react-wallet-kit` 2.4.3 app, end to end
 * against the local Turnkey stand-in: the time the app waits for the kit's refresh to resolve
 * (its active-key check, core's `refreshSession`, then its re-read of the session, timers
 * re-armed and `allSessions` re-read), with the vault (`installSessionVault(TurnkeyClient)` and
 * `useSessionVaultSync()`: key pairs, sessions and the `stamp_login` in the extension) vs the
 * same app without that line (core's in-page defaults: IndexedDB key pairs, localStorage
 * sessions, `stamp_login` sent from the page), both open in the same browser on two origins.
 * Same defaults (active session, 900 s, new key pair), one refresh in flight at a time,
 * alternating vault/in-page (and which goes first) call by call; every call checked at the
 * stand-in. The app is `e2e/kit-app/`, built with vite and served by the e2e dApp server.
 */
import type { Page } from "@playwright/test";
import { startDappServer } from "../e2e/support/dapp-server.ts";
import { buildKitApp, kitCall, openKitApp } from "../e2e/support/kit-app.ts";
import { alternatingRefreshes } from "./support/alternating-refreshes.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { pairedRow } from "./table.ts";

type Side = "vault" | "inPage";

function timeRefresh(page: Page): Promise<{ ms: number; session: string }> {
  return page.evaluate(async () => {
    const t0 = performance.now();
    const result = await window.kitApp!.refreshSession();
    const ms = performance.now() - t0;
    if (!result?.session) throw new Error("the kit's refreshSession resolved no session");
    return { ms, session: result.session };
  });
}

export const kitRefresh: Measure = {
  id: "kit-refresh",
  title: "7. refreshSession through react-wallet-kit (stand-in)",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const count = ctx.quick ? 10 : 100;
    const warmup = ctx.quick ? 2 : 5;
    await buildKitApp();
    const dapp = await startDappServer({ standinUrl: ctx.standin.url });
    const pages: Page[] = [];
    try {
      const [vaultOrigin, inPageOrigin] = dapp.origins;
      const side: Record<Side, Page> = {
        vault: await openKitApp(ctx.browser.context, dapp, vaultOrigin),
        inPage: await openKitApp(ctx.browser.context, dapp, inPageOrigin, { vault: false }),
      };
      pages.push(side.vault, side.inPage);
      for (const [name, page] of Object.entries(side)) {
        const mode = await page.evaluate(() => window.kitApp!.mode);
        if (mode !== (name === "vault" ? "vault" : "in-page")) throw new Error(`the ${name} kit app runs in mode ${mode}`);
        await kitCall(page, "login");
      }

      const { times, stampLogins } = await alternatingRefreshes(
        ctx.standin,
        ["vault", "inPage"],
        { vault: () => timeRefresh(side.vault), inPage: () => timeRefresh(side.inPage) },
        { count, warmup },
      );
      return {
        rows: [
          pairedRow({
            group: this.title,
            name: "useTurnkey().refreshSession() in a <TurnkeyProvider> app",
            unit: "ms",
            vault: times.vault,
            baseline: { label: "the same kit app in-page (core's IndexedDB stamper, localStorage)", rounds: times.inPage },
            target: { text: "≤ 1.0× kit in-page", maxRatio: 1.0 },
            note: `${count} refreshes each after ${warmup} warm-up each, alternating; every one checked at the stand-in (${stampLogins} stamp_login, all 200). Ratio spread is over the ${count} vault/in-page pairs.`,
          }),
        ],
      };
    } finally {
      await Promise.all(pages.map((page) => page.close()));
      await dapp.close();
    }
  },
};
