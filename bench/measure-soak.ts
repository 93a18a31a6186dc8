/**
 * Soak (reliability, `npm run bench -- --soak`; never in `--quick`): the soak spec
 * (e2e/specs/soak.spec.ts) at ≥ 1,000 operations (`SOAK_OPS`, default here 1,200): refreshes from
 * pages, the popup and the alarm, reads, worker kills at random moments and API faults at random.
 * It runs under Playwright with its own Chromium on `dist/` (so `npm run build` first, as for any
 * e2e spec), and its summary line gives the loss figures: sessions lost, orphan key pairs,
 * duplicate `stamp_login`s. A failing soak fails this measurement.
 */
import { spawn } from "node:child_process";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";

const DEFAULT_OPS = 1_200;

function runSpec(repoRoot: string, ops: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["playwright", "test", "e2e/specs/soak.spec.ts", "--reporter=line"], {
      cwd: repoRoot,
      env: { ...process.env, SOAK_OPS: String(ops) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

export const soak: Measure = {
  id: "soak",
  title: "7. Soak (reliability)",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const ops = Number(process.env.SOAK_OPS ?? DEFAULT_OPS);
    const t0 = Date.now();
    const { code, output } = await runSpec(ctx.repoRoot, ops);
    const summary = output.split("\n").find((line) => line.includes("soak (seed"))?.trim();
    if (code !== 0 || !summary) throw new Error(`the soak spec failed (exit ${code}): ${output.split("\n").slice(-15).join(" | ")}`);
    const figure = (pattern: RegExp) => Number(summary.match(pattern)?.[1] ?? Number.NaN);
    const lost = figure(/sessions lost: (\d+)/);
    const orphans = figure(/orphan key pairs: (\d+)/);
    const duplicates = figure(/duplicate stamp_logins: (\d+)/);
    const refreshes = figure(/\((\d+) page refreshes/) + figure(/(\d+) popup refreshes/);
    return {
      rows: [
        {
          group: this.title,
          name: `sessions lost over ${ops.toLocaleString("en-US")} operations`,
          unit: "count",
          vault: { value: lost },
          target: { text: "0 lost, 0 orphan key pairs, 0 duplicate stamp_logins", met: lost === 0 && orphans === 0 && duplicates === 0 },
          note: `${refreshes} page and popup refreshes (plus the alarm's); orphan key pairs ${orphans}, duplicate stamp_logins ${duplicates}; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
        },
      ],
      details: [{ title: "soak summary", lines: [summary.replace(/^.*?soak \(seed/, "soak (seed")] }],
    };
  },
};
