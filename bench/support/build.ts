/**
 * Builds what the benchmark loads, all into `bench/results/.build/` (ignored by git): the
 * extension itself — `npm run build` with its output directed to `.build/vault/`, so the
 * figures are of the current source and a concurrent build or test run that rewrites `dist/`
 * cannot pull files from under the running benchmark — and the bench-only bundles (Turnkey's
 * SDK in a page, the in-worker stamping probe). With `--no-build`, `dist/` is copied instead.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { build } from "vite";

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output.slice(-3000)}`))));
  });
}

/** `npm run build -- --outDir <outDir>`: the extension as a user loads it, built where only the benchmark reads it. */
export async function buildExtension(repoRoot: string, outDir: string, extraArgs: string[] = []): Promise<void> {
  await run("npm", ["run", "build", "--silent", "--", "--outDir", outDir, "--emptyOutDir", ...extraArgs], repoRoot);
  if (!existsSync(join(outDir, "manifest.json"))) throw new Error(`npm run build wrote no manifest.json to ${outDir}`);
}

/** A private copy of an existing `dist/` (for `--no-build`). */
export async function snapshotDist(distDir: string, outDir: string): Promise<void> {
  if (!existsSync(join(distDir, "manifest.json"))) throw new Error(`No built extension in ${distDir}: run npm run build (or drop --no-build).`);
  await rm(outDir, { recursive: true, force: true });
  await cp(distDir, outDir, { recursive: true });
}

/** The bench-only bundles, each from its own vite config under `bench/`. */
export async function buildBenchBundles(repoRoot: string, buildDir: string): Promise<void> {
  await mkdir(buildDir, { recursive: true });
  for (const config of ["bench/sdk-page/vite.config.ts", "bench/worker-probe/vite.config.ts", "bench/core-page/vite.config.ts"]) {
    await build({ configFile: join(repoRoot, config), root: repoRoot, logLevel: "warn" });
  }
}
