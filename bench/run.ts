/**
 * `npm run bench [-- --quick] [-- --only=bridge,refresh,…] [-- --no-build] [-- --soak]`
 *
 * Builds the extension (`npm run build`, output to bench/results/.build/vault/) and the bench-only bundles, starts the local Turnkey
 * stand-in and the bench page server, launches ONE headless Chromium with the vault (`dist/`)
 * and the raw echo extension (`bench/echo-extension/`), and runs each measurement, vault and
 * baseline interleaved in the same browser. Prints the table and writes it as JSON and
 * Markdown to `bench/results/` (`bench-<time>[-quick].{json,md}` and `latest[-quick].{json,md}`).
 *
 * Targets are reported, never asserted: a missed target does not fail the run; a measurement
 * that cannot run does (exit code 1), after the others have run.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, nproc, release, totalmem } from "./support/machine.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStandin } from "../e2e/standin/server.ts";
import { bridge } from "./measure-bridge.ts";
import { coldStart } from "./measure-cold-start.ts";
import { coreRequest } from "./measure-core-request.ts";
import { kitRefresh } from "./measure-kit-refresh.ts";
import { pageLoad } from "./measure-page-load.ts";
import { floors } from "./measure-floors.ts";
import { soak } from "./measure-soak.ts";
import { refresh } from "./measure-refresh.ts";
import { scale } from "./measure-scale.ts";
import { size } from "./measure-size.ts";
import { stamp } from "./measure-stamp.ts";
import { launchBench } from "./support/browser.ts";
import { buildBenchBundles, buildExtension, snapshotDist } from "./support/build.ts";
import type { BenchContext, Measure } from "./support/context.ts";
import { startBenchServer } from "./support/server.ts";
import { renderJson, renderMarkdown, renderText, type Report } from "./table.ts";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH_DIR = join(REPO_ROOT, "bench");
const RESULTS_DIR = join(BENCH_DIR, "results");
const BUILD_DIR = join(RESULTS_DIR, ".build");

const MEASURES: Measure[] = [size, bridge, refresh, stamp, coldStart, scale, kitRefresh, coreRequest, pageLoad, floors, soak];
/** Run only when asked for (`--soak` or `--only=soak`), never with `--quick`: minutes long. */
const ON_REQUEST = new Set(["soak"]);

function parseArgs(argv: string[]) {
  const quick = argv.includes("--quick");
  const noBuild = argv.includes("--no-build");
  const soak = argv.includes("--soak");
  const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",").filter(Boolean);
  const unknown = argv.filter((a) => a !== "--quick" && a !== "--no-build" && a !== "--soak" && !a.startsWith("--only="));
  if (unknown.length) throw new Error(`Unknown argument(s): ${unknown.join(" ")}. Use --quick, --no-build, --only=${MEASURES.map((m) => m.id).join(",")}`);
  const ids = new Set(MEASURES.map((m) => m.id));
  for (const id of only ?? []) if (!ids.has(id)) throw new Error(`--only: no measurement "${id}" (have ${[...ids].join(", ")})`);
  if (quick && (soak || only?.includes("soak"))) throw new Error("--quick runs no soak");
  return { quick, noBuild, only, soak };
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (message: string) => console.log(message);
  const measures = MEASURES.filter((m) => (args.only ? args.only.includes(m.id) : !ON_REQUEST.has(m.id) || args.soak));

  const vaultDir = join(BUILD_DIR, "vault");
  if (args.noBuild) {
    log("using the existing dist/ (copied to bench/results/.build/vault/) …");
    await snapshotDist(join(REPO_ROOT, "dist"), vaultDir);
  } else {
    log("building the extension (npm run build -- --outDir bench/results/.build/vault) …");
    await buildExtension(REPO_ROOT, vaultDir);
  }
  log("building the bench bundles (in-page SDK, in-worker probe) …");
  await buildBenchBundles(REPO_ROOT, BUILD_DIR);

  const standin = await startStandin();
  const server = await startBenchServer([join(BENCH_DIR, "pages"), join(BUILD_DIR, "pages")]);
  const browser = await launchBench({ vaultDir, echoDir: join(BENCH_DIR, "echo-extension") });
  const ctx: BenchContext = { quick: args.quick, repoRoot: REPO_ROOT, distDir: vaultDir, buildDir: BUILD_DIR, browser, standin, server, log };

  const report: Report = {
    meta: {
      mode: args.quick ? "quick (smoke counts)" : "full",
      date: new Date().toISOString(),
      commit: `${git(["rev-parse", "--short", "HEAD"])}${git(["status", "--porcelain", "--", "background", "content", "popup", "shared", "extension", "manifest.json", "vite.config.ts"]) ? " + uncommitted changes" : ""}`,
      nproc: nproc(),
      cpu: cpus(),
      memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      os: release(),
      node: process.version,
      chromium: browser.chromiumVersion,
      "chromium flags (bench)": "headless, --js-flags=--expose-gc, --enable-precise-memory-info",
    },
    rows: [],
    details: [],
    failures: [],
  };

  try {
    for (const measure of measures) {
      const t0 = Date.now();
      log(`▶ ${measure.title} …`);
      try {
        const result = await measure.run(ctx);
        report.rows.push(...result.rows);
        report.details.push(...(result.details ?? []));
        log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        report.failures.push({ measure: measure.title, error: message.split("\n").slice(0, 6).join(" | ") });
        log(`  ✗ failed: ${message}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
    await standin.close();
  }
  report.meta["wall time"] = `${((Date.now() - started) / 1000).toFixed(0)} s`;

  console.log("\n" + renderText(report) + "\n");
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const suffix = args.quick ? "-quick" : "";
  for (const name of [`bench-${stamp}${suffix}`, `latest${suffix}`]) {
    await writeFile(join(RESULTS_DIR, `${name}.json`), renderJson(report));
    await writeFile(join(RESULTS_DIR, `${name}.md`), renderMarkdown(report));
  }
  log(`results: bench/results/bench-${stamp}${suffix}.{json,md} (and latest${suffix}.{json,md})`);
  return report.failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
