/**
 * 0. Page-load cost: what the vault costs a page that never uses it. `/frames.html` (a top
 * document with 20 same-origin iframes, no script of its own) is loaded in three headless
 * Chromiums launched for this measurement, alive side by side, in interleaved rounds whose order
 * rotates:
 *  - no extension (the page's own cost, the zero);
 *  - the minimal extension (`bench/minimal-extension/`): two `document_start` content scripts in
 *    all frames, main world and isolated world, that define an empty frozen global and add one
 *    listener — the floor any extension of the vault's shape pays;
 *  - the vault (the built `dist/`).
 * Each load opens a new tab on a blank page of the same origin, then navigates to
 * `/frames.html` and waits for its load event. Script time is CDP `Performance.getMetrics`
 * `ScriptDuration` (compile and run, all frames of the tab's renderer) after the load minus
 * before it; the extra script time per frame is an extension's figure minus the no-extension
 * figure of the same round, divided by the 21 documents. Time to the load event is the top
 * document's `loadEventStart` (navigation timing).
 */
import { chromium, type BrowserContext } from "@playwright/test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumArgs, findChromium } from "../e2e/support/browser.ts";
import { summarize } from "./stats.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { pairedRow } from "./table.ts";

type Config = "none" | "minimal" | "vault";
const CONFIGS: Config[] = ["none", "minimal", "vault"];
/** The top document and its 20 iframes. */
const DOCUMENTS = 21;

interface Load {
  /** ScriptDuration over the load, ms. */
  script: number;
  /** The top document's loadEventStart, ms from navigation start. */
  loadEvent: number;
}

async function launch(extensionDir: string | undefined): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = await mkdtemp(join(tmpdir(), "tsv-bench-load-"));
  const args = extensionDir ? chromiumArgs(extensionDir) : chromiumArgs().filter((a) => !a.startsWith("--load-extension="));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: findChromium(), headless: true, chromiumSandbox: false, args });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

async function loadOnce(context: BrowserContext, ctx: BenchContext): Promise<Load> {
  const page = await context.newPage();
  try {
    await page.goto(ctx.server.url("/blank.html"));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const scriptSeconds = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      return metrics.find((m) => m.name === "ScriptDuration")?.value ?? Number.NaN;
    };
    const before = await scriptSeconds();
    await page.goto(ctx.server.url("/frames.html"), { waitUntil: "load" });
    const after = await scriptSeconds();
    const frames = page.frames().length;
    if (frames !== DOCUMENTS) throw new Error(`/frames.html loaded ${frames} documents, expected ${DOCUMENTS}`);
    const loadEvent = await page.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).loadEventStart);
    await cdp.detach().catch(() => undefined);
    return { script: (after - before) * 1000, loadEvent };
  } finally {
    await page.close();
  }
}

export const pageLoad: Measure = {
  id: "pageload",
  title: "0. Page-load cost (20 iframes, never calls the vault)",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const rounds = ctx.quick ? 4 : 60;
    const browsers = {
      none: await launch(undefined),
      minimal: await launch(join(ctx.repoRoot, "bench", "minimal-extension")),
      vault: await launch(ctx.distDir),
    };
    try {
      const loads: Record<Config, Load[]> = { none: [], minimal: [], vault: [] };
      for (const config of CONFIGS) await loadOnce(browsers[config].context, ctx); // warm-up: first renderer, HTTP cache of nothing
      for (let r = 0; r < rounds; r++) {
        const order = [...CONFIGS.slice(r % 3), ...CONFIGS.slice(0, r % 3)];
        for (const config of order) loads[config].push(await loadOnce(browsers[config].context, ctx));
      }
      // One load per config and round: each round's samples are one value.
      const byRound = (values: number[]) => values.map((v) => [v]);
      const extraPerFrame = (config: Config) => byRound(loads[config].map((l, i) => (l.script - loads.none[i]!.script) / DOCUMENTS));
      const loadEvents = (config: Config) => byRound(loads[config].map((l) => l.loadEvent));
      const noneScript = summarize(loads.none.map((l) => l.script / DOCUMENTS));
      const group = this.title;
      return {
        rows: [
          pairedRow({
            group,
            name: "extra script time per frame (ScriptDuration)",
            unit: "ms",
            vault: extraPerFrame("vault"),
            baseline: { label: "minimal extension (empty global + listener)", rounds: extraPerFrame("minimal") },
            target: { text: "≤ 1.5× minimal", maxRatio: 1.5 },
            note: `${rounds} interleaved rounds of 3 loads (rotating order); each extension's ScriptDuration minus the no-extension load of the same round, / ${DOCUMENTS} documents; no extension: ${noneScript.median.toFixed(3)} ms per frame`,
          }),
          pairedRow({ group, name: "time to load event, vault", unit: "ms", vault: loadEvents("vault"), baseline: { label: "no extension", rounds: loadEvents("none") } }),
          pairedRow({
            group,
            name: "time to load event, minimal extension",
            unit: "ms",
            vault: loadEvents("minimal"),
            baseline: { label: "no extension", rounds: loadEvents("none") },
            note: "the floor's own load-event cost, for comparison with the vault's row above",
          }),
        ],
      };
    } finally {
      await Promise.all(Object.values(browsers).map((b) => b.close()));
    }
  },
};
