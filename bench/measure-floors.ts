/**
 * 2b. The vault beside its floor: the same work done bare, in the same browser and run.
 *
 * Refresh: the vault's `refreshSession()` from a page (timed in the page), against
 * `benchFloor.refresh()` evaluated in the echo extension's worker (timed there): a new P-256 key
 * pair, a `stamp_login` for it signed with a cached non-extractable WebCrypto key, `fetch` to the
 * same stand-in, the JSON parsed, one `chrome.storage.local` write. What the vault adds is the
 * bridge hops, validation, encryption at rest, single-flight, and the events.
 *
 * Stamp: the vault's `stamp(payload)` from a page against two floors from the same page. The raw
 * one: the echo extension's "sign", one raw bridge round trip plus one WebCrypto ECDSA sign in
 * its worker. The vault's own: its `getActiveSessionKey()` (a round trip over the vault's bridge
 * that does no work in the worker) followed by one WebCrypto ECDSA sign, with a cached
 * non-extractable key, in the page. The first says what the whole vault costs beyond the
 * platform; the second what `stamp` itself adds on top of the vault's bridge.
 *
 * Interleaved call by call (refresh) or batch by batch (stamp), rotating which side goes first.
 *
 * What the refresh's floor leaves out entirely is the bridge: its two legs cross the browser
 * process to a worker, and back to a renderer, that sat idle while Turnkey answered, which costs
 * each leg more than a round trip made right after another. So the page also times one round trip
 * after a refresh's worth of idleness, over the vault's bridge (`getActiveSessionKey`) and the raw
 * one (the echo's `ping`), and the refresh is reported beside its floor plus that raw round trip:
 * the least a vault of this shape could take.
 */
import type { Page } from "@playwright/test";
import { login } from "../e2e/support/vault-calls.ts";
import { stampLoginBody } from "./measure-stamp.ts";
import { alternatingRefreshes } from "./support/alternating-refreshes.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { openBenchPage, type BenchWindow } from "./support/pages.ts";
import { median } from "./stats.ts";
import { pairedRow } from "./table.ts";

interface FloorGlobal {
  benchFloor: {
    setup(baseUrl: string): Promise<string>;
    configure(organizationId: string): void;
    refresh(): Promise<{ ms: number; session: string }>;
  };
}

function vaultRefresh(page: Page): Promise<{ ms: number; session: string }> {
  return page.evaluate(async () => {
    const t0 = performance.now();
    const { session } = (await (window as unknown as BenchWindow).turnkeySession.refreshSession!()) as { session: string };
    return { ms: performance.now() - t0, session };
  });
}

type StampSide = "vault" | "floor" | "bridge";

/** `n` round trips each after `idleMs` of nothing, alternating the vault's bridge and the raw one. */
function idleRoundTrips(page: Page, n: number, idleMs: number): Promise<{ vault: number[]; raw: number[] }> {
  return page.evaluate(
    async ([n, idleMs]) => {
      const w = window as unknown as BenchWindow;
      const times = { vault: [] as number[], raw: [] as number[] };
      for (let i = 0; i < 2 * n; i++) {
        const side = i % 4 === 0 || i % 4 === 3 ? "vault" : "raw";
        await new Promise((resolve) => setTimeout(resolve, idleMs));
        const t0 = performance.now();
        await (side === "vault" ? w.turnkeySession.getActiveSessionKey!() : w.benchEcho.call("ping"));
        times[side].push(performance.now() - t0);
      }
      return times;
    },
    [n, idleMs] as const,
  );
}

/** `n` sequential stamps from the page; resolves each one's milliseconds. */
function stamps(page: Page, side: StampSide, n: number, payload: string): Promise<number[]> {
  return page.evaluate(
    async ([side, n, payload]) => {
      const w = window as unknown as BenchWindow;
      // "bridge": the vault's own round trip, then what the worker's stamp signs with, done here:
      // WebCrypto P-256 with a cached non-extractable key, DER, hex (as the echo worker's "sign").
      const { privateKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
      // No named inner functions: the bench's TypeScript loader would wrap them in a helper the page lacks.
      const once =
        side === "vault"
          ? () => w.turnkeySession.stamp!(payload)
          : side === "floor"
            ? () => w.benchEcho.call("sign", payload)
            : async () => {
                await w.turnkeySession.getActiveSessionKey!();
                const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, new TextEncoder().encode(payload)));
                const body: number[] = [];
                for (const half of [raw.subarray(0, 32), raw.subarray(32)]) {
                  let i = 0;
                  while (i < half.length - 1 && half[i] === 0) i++;
                  const trimmed = half.subarray(i);
                  body.push(0x02, trimmed.length + (trimmed[0]! & 0x80 ? 1 : 0), ...(trimmed[0]! & 0x80 ? [0] : []), ...trimmed);
                }
                return Array.from([0x30, body.length, ...body], (b) => b.toString(16).padStart(2, "0")).join("");
              };
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await once();
        times.push(performance.now() - t0);
      }
      return times;
    },
    [side, n, payload] as const,
  );
}

export const floors: Measure = {
  id: "floor",
  title: "2b. Beside the floor (the same work done bare)",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const count = ctx.quick ? 10 : 120;
    const warmup = ctx.quick ? 2 : 5;
    const stampRounds = ctx.quick ? 4 : 20;
    const perRound = ctx.quick ? 10 : 50;
    const page = await openBenchPage(ctx);
    try {
      await login(page, ctx.standin);
      const echo = await ctx.browser.echo.worker();
      const publicKey = await echo.evaluate((url) => (self as unknown as FloorGlobal).benchFloor.setup(url), ctx.standin.url);
      const { organizationId } = ctx.standin.mint({ publicKey });
      await echo.evaluate((org) => (self as unknown as FloorGlobal).benchFloor.configure(org), organizationId);
      const floorRefresh = async () => (await ctx.browser.echo.worker()).evaluate(() => (self as unknown as FloorGlobal).benchFloor.refresh());

      const { times: refresh, stampLogins } = await alternatingRefreshes(
        ctx.standin,
        ["vault", "floor"],
        { vault: () => vaultRefresh(page), floor: floorRefresh },
        { count, warmup },
      );

      // As long as the worker and the page idle in a refresh: the floor's median, less its own steps.
      const idleMs = Math.max(1, Math.round(median(refresh.floor.flat()) - 2));
      const idle = await idleRoundTrips(page, count, idleMs);

      const payload = stampLoginBody();
      const stampSides: StampSide[] = ["vault", "floor", "bridge"];
      for (const side of stampSides) await stamps(page, side, perRound, payload);
      const stamp = { vault: [] as number[][], floor: [] as number[][], bridge: [] as number[][] };
      for (let r = 0; r < stampRounds; r++) {
        for (let k = 0; k < stampSides.length; k++) {
          const side = stampSides[(r + k) % stampSides.length]!;
          stamp[side].push(await stamps(page, side, perRound, payload));
        }
      }

      const group = this.title;
      return {
        rows: [
          pairedRow({
            group,
            name: "refreshSession() from the page",
            unit: "ms",
            vault: refresh.vault,
            baseline: { label: "bare in a worker: key pair, WebCrypto stamp, fetch, parse, one write", rounds: refresh.floor },
            target: { text: "≤ 1.15× floor", maxRatio: 1.15 },
            note: `${count} each after ${warmup} warm-up each, alternating; all ${stampLogins} stamp_login answered 200 by the stand-in. The floor is timed in its worker (its clock: 100 µs), the vault in the page.`,
          }),
          pairedRow({
            group,
            name: "refreshSession() from the page, beside the floor plus the raw bridge",
            unit: "ms",
            vault: refresh.vault,
            baseline: { label: "the floor above + one raw round trip after the same idleness", rounds: refresh.floor.map(([ms], i) => [ms! + idle.raw[i]!]) },
            note: "what the vault adds beyond the platform: its bridge's code, validation, encryption at rest, the event; the raw round trip is the row below's",
          }),
          pairedRow({
            group,
            name: `one round trip after ${idleMs} ms idle`,
            unit: "ms",
            vault: idle.vault.map((ms) => [ms]),
            baseline: { label: "raw bridge round trip after the same idleness", rounds: idle.raw.map((ms) => [ms]) },
            note: `${count} each, alternating: the vault's getActiveSessionKey() against the echo's ping, each after ${idleMs} ms of nothing (a refresh's wait for Turnkey), which costs both far more than a round trip right after another (the bridge row)`,
          }),
          pairedRow({
            group,
            name: "stamp() from the page, sequential",
            unit: "ms",
            vault: stamp.vault,
            baseline: { label: "raw bridge round trip + one WebCrypto sign", rounds: stamp.floor },
            target: { text: "≤ 1.15× floor", maxRatio: 1.15 },
            note: `${stampRounds} interleaved rounds of ${perRound} stamps each (with the row below)`,
          }),
          pairedRow({
            group,
            name: "stamp() from the page, beside the vault's own bridge",
            unit: "ms",
            vault: stamp.vault,
            baseline: { label: "the vault's getActiveSessionKey() round trip + one WebCrypto sign in the page", rounds: stamp.bridge },
            note: "what stamp adds to the vault's bridge: validation, the session lookup, the sign in the worker, the stamp's encoding; the same vault rounds as the row above",
          }),
        ],
      };
    } finally {
      await page.close();
    }
  },
};
