/**
 * `npx tsx bench/profile.ts` — CPU profiles behind the benchmark's figures, for finding causes
 * (not part of `npm run bench`; it measures nothing against a baseline).
 *
 * Builds the extension unminified (`npm run build -- --minify false`, into
 * bench/results/.build/vault-profile/) so that functions keep their names and every module's
 * code sits under its `// <path>` marker, loads it with the echo extension as the benchmark
 * does, and records with the DevTools protocol (flat sessions over the browser's WebSocket; a
 * profiler started on the worker's target keeps recording across a stop and restart, so a cold
 * start is profiled from the new instance's first instruction):
 *   cold-start   the worker from its start until a page's first getActiveSessionKey() answers
 *   cold-stamp   the same for a first stamp() (adds the wrapping key, decrypt, key import)
 *   bridge-page  the page's renderer thread (page script + content script) over 2,000 calls
 *   bridge-worker the worker over the same calls
 *   echo-page    the page's renderer thread over 2,000 raw echo round trips (the bridge rows' baseline)
 *   echo-worker  the echo extension's worker over the same calls (beside bridge-*: what the vault's
 *                bridge adds per call in JS, where both sides' native postMessage is the same work)
 *   stamp-page   the page's renderer thread over 2,000 stamp() calls (a stamp_login body)
 *   stamp-worker the worker over the same stamps
 *   refresh      the worker over 30 refreshSession() calls against the stand-in
 *   popup-1000   the popup page's renderer while it reloads with 1,000 sessions until all show
 * Each profile is saved as bench/results/profiles/<name>.cpuprofile (open it in DevTools) and
 * summarised — self time by module (package or repo folder) and by function — in
 * bench/results/profiles/summary.md and on the terminal. Unminified code runs a little
 * differently from the shipped build; read the shares, not the absolute times.
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { startStandin } from "../e2e/standin/server.ts";
import { login } from "../e2e/support/vault-calls.ts";
import { reseed, seedRecords } from "./measure-scale.ts";
import { stampLoginBody } from "./measure-stamp.ts";
import { launchBench } from "./support/browser.ts";
import { buildExtension } from "./support/build.ts";
import { connectRawCdp, type RawCdp } from "./support/raw-cdp.ts";
import { startBenchServer } from "./support/server.ts";

// Node 20 has a global WebSocket only behind a flag: re-run under it.
if (!(globalThis as { WebSocket?: unknown }).WebSocket) {
  const result = spawnSync(process.execPath, ["--experimental-websocket", "--no-warnings", ...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUILD_DIR = join(REPO_ROOT, "bench", "results", ".build", "vault-profile");
const OUT_DIR = join(REPO_ROOT, "bench", "results", "profiles");

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `// <path>` module markers of an unminified rolldown chunk: [first line (1-based), path]. */
async function moduleRegions(file: string): Promise<[number, string][]> {
  const lines = (await readFile(file, "utf8")).split("\n");
  const regions: [number, string][] = [[1, "(chunk prelude)"]];
  lines.forEach((line, i) => {
    const m = /^\/\/ (\S+\.(?:mjs|cjs|js|ts))$/.exec(line);
    if (m) regions.push([i + 1, m[1]!]);
  });
  return regions;
}

function moduleOf(file: string): string {
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = file.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return file.includes("/") ? `${file.split("/")[0]}/` : file;
}

async function summarize(name: string, profile: Profile, extensionOrigins: string[]): Promise<string[]> {
  const regionsByUrl = new Map<string, [number, string][]>();
  const regionOf = async (url: string, line1: number): Promise<string> => {
    const origin = extensionOrigins.find((o) => url.startsWith(o));
    if (!origin) return url ? (url.split(/[/?#]/).filter(Boolean).pop() ?? url) : "(native/VM)";
    if (!regionsByUrl.has(url)) regionsByUrl.set(url, await moduleRegions(join(BUILD_DIR, url.slice(origin.length))).catch(() => [[1, url]]));
    const regions = regionsByUrl.get(url)!;
    if (regions.length === 1) return url.slice(origin.length); // a file without module markers (e.g. a content script)
    let found = regions[0]![1];
    for (const [start, path] of regions) if (start <= line1) found = path;
    return found;
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    const fn = node.callFrame.functionName || "(anonymous)";
    if (fn === "(idle)" || fn === "(program)" || fn === "(garbage collector)") {
      byModule.set(fn, (byModule.get(fn) ?? 0) + us);
      if (fn !== "(idle)") busy += us;
      continue;
    }
    busy += us;
    // Split a function's self time over the modules of the lines it was sampled on (the
    // chunk's top-level body spans every module's top-level code).
    const ticks = node.positionTicks?.length ? node.positionTicks : [{ line: node.callFrame.lineNumber + 1, ticks: 1 }];
    const total = ticks.reduce((a, t) => a + t.ticks, 0);
    for (const t of ticks) {
      const region = await regionOf(node.callFrame.url, t.line);
      const share = (us * t.ticks) / total;
      const module = moduleOf(region);
      byModule.set(module, (byModule.get(module) ?? 0) + share);
      const key = `${fn}  [${region}]`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + share);
    }
  }
  const ms = (us: number) => `${(us / 1000).toFixed(2).padStart(8)} ms`;
  const pct = (us: number) => `${((100 * us) / (busy || 1)).toFixed(1).padStart(5)} %`;
  const top = (m: Map<string, number>, k: number) => [...m].filter(([key]) => key !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, k);
  return [
    `${name}: ${((profile.endTime - profile.startTime) / 1000).toFixed(1)} ms recorded, ${(busy / 1000).toFixed(1)} ms busy (idle ${((byModule.get("(idle)") ?? 0) / 1000).toFixed(1)} ms)`,
    "  self time by module:",
    ...top(byModule, 12).map(([k, v]) => `  ${ms(v)} ${pct(v)}  ${k}`),
    "  self time by function [module]:",
    ...top(byFunction, 15).map(([k, v]) => `  ${ms(v)} ${pct(v)}  ${k}`),
  ];
}

async function main(): Promise<void> {
  console.log("building the extension unminified (npm run build -- --minify false) …");
  await buildExtension(REPO_ROOT, BUILD_DIR, ["--minify", "false"]);
  const standin = await startStandin();
  const server = await startBenchServer([join(REPO_ROOT, "bench", "pages")]);
  const browser = await launchBench({ vaultDir: BUILD_DIR, echoDir: join(REPO_ROOT, "bench", "echo-extension"), debugPort: true });
  const cdp = await connectRawCdp(browser.wsEndpoint!);
  const origins = [`${browser.vault.origin}/`, `${browser.echo.origin}/`];
  const vaultUrl = `${browser.vault.origin}/`;
  const summary: string[] = [];
  const save = async (name: string, profile: Profile) => {
    await writeFile(join(OUT_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    const lines = await summarize(name, profile, origins);
    console.log(lines.join("\n") + "\n");
    summary.push(...lines, "");
  };

  const startProfiler = async (sessionId: string) => {
    await cdp.send("Profiler.enable", {}, sessionId);
    await cdp.send("Profiler.setSamplingInterval", { interval: 50 }, sessionId);
    await cdp.send("Profiler.start", {}, sessionId);
  };
  const stopProfiler = async (sessionId: string) => (await cdp.send<{ profile: Profile }>("Profiler.stop", {}, sessionId)).profile;
  const attachTo = async (urlPrefix: string, type: string) => {
    const { targetInfos } = await cdp.send<{ targetInfos: { targetId: string; type: string; url: string }[] }>("Target.getTargets");
    const target = targetInfos.find((t) => t.type === type && t.url.startsWith(urlPrefix));
    if (!target) throw new Error(`no ${type} target at ${urlPrefix}`);
    return (await cdp.send<{ sessionId: string }>("Target.attachToTarget", { targetId: target.targetId, flatten: true })).sessionId;
  };

  const openPage = async (): Promise<Page> => {
    const page = await browser.context.newPage();
    await page.goto(server.url("/index.html"));
    await page.waitForFunction(() => "turnkeySession" in window);
    return page;
  };
  const call = (page: Page, method: string, ...args: unknown[]) =>
    page.evaluate(([m, a]) => (window as unknown as { turnkeySession: Record<string, (...x: unknown[]) => Promise<unknown>> }).turnkeySession[m]!(...a), [method, args] as const);

  try {
    await mkdir(OUT_DIR, { recursive: true });
    const page = await openPage();
    await login(page, standin);

    // A service worker's target (and our session on it) outlives a stop and restart, and so
    // does a profiler started on it: the profile covers the new instance from its first line.
    for (const [name, method, args] of [["cold-start", "getActiveSessionKey", []], ["cold-stamp", "stamp", [stampLoginBody()]]] as const) {
      const session = await attachTo(vaultUrl, "service_worker");
      await startProfiler(session);
      await browser.vault.stop();
      await sleep(200);
      await call(page, method, ...args);
      await sleep(100);
      await save(name, await stopProfiler(session));
      await cdp.send("Target.detachFromTarget", { sessionId: session }).catch(() => undefined);
    }

    const worker = await attachTo(vaultUrl, "service_worker");
    const renderer = await attachTo(server.origin, "page");
    await page.evaluate(async () => {
      for (let i = 0; i < 200; i++) await (window as unknown as { turnkeySession: { getActiveSessionKey(): Promise<unknown> } }).turnkeySession.getActiveSessionKey();
    });
    await startProfiler(worker);
    await startProfiler(renderer);
    await page.evaluate(async () => {
      for (let i = 0; i < 2000; i++) await (window as unknown as { turnkeySession: { getActiveSessionKey(): Promise<unknown> } }).turnkeySession.getActiveSessionKey();
    });
    await save("bridge-page", await stopProfiler(renderer));
    await save("bridge-worker", await stopProfiler(worker));

    const echoWorker = await attachTo(`${browser.echo.origin}/`, "service_worker");
    const echoCalls = (n: number) =>
      page.evaluate(async (count) => {
        for (let i = 0; i < count; i++) await (window as unknown as { benchEcho: { call(method: string): Promise<unknown> } }).benchEcho.call("ping");
      }, n);
    await echoCalls(200);
    await startProfiler(echoWorker);
    await startProfiler(renderer);
    await echoCalls(2000);
    await save("echo-page", await stopProfiler(renderer));
    await save("echo-worker", await stopProfiler(echoWorker));

    await startProfiler(worker);
    await startProfiler(renderer);
    await page.evaluate(async (payload) => {
      for (let i = 0; i < 2000; i++) await (window as unknown as { turnkeySession: { stamp(p: string): Promise<unknown> } }).turnkeySession.stamp(payload);
    }, stampLoginBody());
    await save("stamp-page", await stopProfiler(renderer));
    await save("stamp-worker", await stopProfiler(worker));

    await call(page, "refreshSession");
    await startProfiler(worker);
    for (let i = 0; i < 30; i++) await call(page, "refreshSession");
    await save("refresh", await stopProfiler(worker));

    // The popup with 1,000 sessions: its renderer while it reloads and shows them all.
    const { items, sessionKeys } = seedRecords(1000, standin.url);
    await reseed(browser.vault, items);
    const manifest = JSON.parse(await readFile(join(BUILD_DIR, "manifest.json"), "utf8")) as { action?: { default_popup?: string } };
    const popupUrl = `${browser.vault.origin}/${manifest.action?.default_popup ?? "popup/index.html"}`;
    const popup = await browser.context.newPage();
    const lastKey = sessionKeys.at(-1)!;
    const allShown = () => popup.waitForFunction((key) => document.body.textContent?.includes(key), lastKey, { timeout: 30_000 });
    await popup.goto(popupUrl);
    await allShown();
    const popupSession = await attachTo(popupUrl, "page");
    await startProfiler(popupSession);
    await popup.reload();
    await allShown();
    await save("popup-1000", await stopProfiler(popupSession));
    await popup.close();

    await writeFile(
      join(OUT_DIR, "summary.md"),
      ["# CPU profiles (unminified build)", "", "Made by `npx tsx bench/profile.ts`; open the `.cpuprofile` files in DevTools (Performance panel).", "", "```", ...summary, "```", ""].join("\n"),
    );
    console.log("profiles: bench/results/profiles/*.cpuprofile, summary: bench/results/profiles/summary.md");
  } finally {
    cdp.close();
    await browser.close();
    await server.close();
    await standin.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
