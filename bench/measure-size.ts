/**
 * 5. Size: minified and gzip (level 9) bytes of what the built extension (`dist/`) runs
 *  - in every web page: the manifest's content scripts (content/page.iife.js, main world, and
 *    content/bridge.iife.js, isolated world), and the script it imports on a frame's first use
 *    (the web-accessible content/lazy/bridge-forwarder.js), each gzipped on its own as the
 *    browser loads it;
 *  - in the background: the service worker's entry and every chunk it imports statically.
 *
 * Baselines: the echo extension's page + content scripts and its worker, minified with the same
 * minifier vite uses (rolldown/oxc), i.e. the floor for the same hops. For information, the
 * in-page alternative a dApp ships without the vault: bench/sdk-page (`@turnkey/core`'s
 * TurnkeyClient in one bundle). The details section attributes the background's bytes to source
 * packages, from a second build of the same config with source maps into a temp directory.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, minify } from "vite";
import type { Row } from "./table.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";

interface Sizes {
  files: string[];
  min: number;
  gzip: number;
  /** Bytes the files would lose if minified again (0 for a minified build). */
  reminifySaves: number;
}

const gz = (code: string | Buffer) => gzipSync(code, { level: 9 }).length;

async function sizes(dir: string, files: string[], { minifyFirst = false } = {}): Promise<Sizes> {
  let min = 0;
  let gzip = 0;
  let reminifySaves = 0;
  for (const file of files) {
    const source = await readFile(join(dir, file), "utf8");
    const minified = (await minify(file, source, {})).code;
    const code = minifyFirst ? minified : source;
    min += Buffer.byteLength(code);
    gzip += gz(code);
    if (!minifyFirst) reminifySaves += Math.max(0, Buffer.byteLength(source) - Buffer.byteLength(minified));
  }
  return { files, min, gzip, reminifySaves };
}

/** The service worker's entry and the chunks it imports statically (recursively). */
export async function workerChunks(dir: string): Promise<{ static: string[]; dynamic: string[] }> {
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as { background?: { service_worker?: string } };
  const entry = manifest.background?.service_worker;
  if (!entry) throw new Error(`${dir}/manifest.json has no background.service_worker`);
  const seen = new Set<string>();
  const dynamic = new Set<string>();
  const visit = async (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(join(dir, file), "utf8");
    const at = (spec: string) => relative(dir, resolve(dir, dirname(file), spec));
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w${},*\s]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) await visit(at(m[1]!));
    for (const m of code.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) dynamic.add(at(m[1]!));
  };
  await visit(entry);
  return { static: [...seen], dynamic: [...dynamic].filter((f) => !seen.has(f)) };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Generated characters per source file, from a v3 source map's `mappings`. */
function attribute(code: string, map: { sources: string[]; mappings: string }): Map<string, number> {
  const lines = code.split("\n");
  const bytes = new Map<string, number>();
  let source = 0;
  const add = (src: number | undefined, n: number) => {
    const key = src === undefined ? "(unmapped)" : (map.sources[src] ?? "(unknown)");
    bytes.set(key, (bytes.get(key) ?? 0) + n);
  };
  map.mappings.split(";").forEach((line, lineNo) => {
    const length = lines[lineNo]?.length ?? 0;
    let column = 0;
    const segments: { column: number; source?: number }[] = [];
    for (const segment of line.split(",")) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0]!;
      if (fields.length >= 4) source += fields[1]!;
      segments.push({ column, ...(fields.length >= 4 ? { source } : {}) });
      // (source line/column/name deltas are not needed for attribution)
    }
    let last = 0;
    segments.forEach((seg, i) => {
      if (i === 0 && seg.column > 0) add(undefined, seg.column);
      const end = segments[i + 1]?.column ?? length;
      add(seg.source, Math.max(0, end - seg.column));
      last = end;
    });
    if (segments.length === 0) add(undefined, length);
    else if (last < length) add(undefined, length - last);
  });
  return bytes;
}

/** `node_modules/<package>` or the repository folder a (repo-relative) source file is in. */
function packageOf(file: string): string {
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = file.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return file.includes("/") ? `${file.split("/")[0]}/` : file;
}

/** Attributes the minified bytes of `files` (in a build with source maps) to packages and source files. */
async function breakdown(ctx: BenchContext, outDir: string, files: string[], title: string, topPackages: number, topFiles: number): Promise<string[]> {
  const bytesByPackage = new Map<string, number>();
  const bytesByFile = new Map<string, number>();
  let total = 0;
  for (const chunk of files) {
    const code = await readFile(join(outDir, chunk), "utf8");
    total += code.length;
    const mapFile = join(outDir, `${chunk}.map`);
    if (!existsSync(mapFile)) {
      bytesByPackage.set(`(no source map: ${chunk})`, (bytesByPackage.get(`(no source map: ${chunk})`) ?? 0) + code.length);
      continue;
    }
    const map = JSON.parse(await readFile(mapFile, "utf8")) as { sources: string[]; sourceRoot?: string; mappings: string };
    for (const [source, n] of attribute(code, map)) {
      // Sources are relative to the map, except in crxjs's IIFE sub-builds, whose maps are written as if the output were dist/.
      const candidates = [resolve(dirname(mapFile), map.sourceRoot ?? "", source), resolve(ctx.repoRoot, "dist", dirname(chunk), map.sourceRoot ?? "", source)];
      const file = source.startsWith("(") ? source : relative(ctx.repoRoot, candidates.find((c) => existsSync(c)) ?? candidates[0]!);
      const pkg = packageOf(file);
      bytesByPackage.set(pkg, (bytesByPackage.get(pkg) ?? 0) + n);
      bytesByFile.set(file, (bytesByFile.get(file) ?? 0) + n);
    }
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
  const kb = (n: number) => `${(n / 1024).toFixed(1).padStart(7)} KB`;
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  return [
    `${title}: ${files.join(", ")} — ${(total / 1024).toFixed(1)} KB minified`,
    "  by package / folder (minified bytes):",
    ...top(bytesByPackage, topPackages).map(([name, n]) => `    ${kb(n)} ${pct(n)}  ${name}`),
    "  largest source files:",
    ...top(bytesByFile, topFiles).map(([name, n]) => `    ${kb(n)} ${pct(n)}  ${name}`),
  ];
}

/** Builds the extension again with source maps into a temp dir and attributes the bytes of the page scripts and the worker. */
async function bundleBreakdown(ctx: BenchContext, pageFiles: string[]): Promise<string[]> {
  const outDir = await mkdtemp(join(tmpdir(), "tsv-bench-size-"));
  try {
    // crxjs logs with console.log; keep the benchmark's output readable.
    const log = console.log;
    console.log = () => undefined;
    try {
      await build({ configFile: join(ctx.repoRoot, "vite.config.ts"), root: ctx.repoRoot, logLevel: "silent", build: { outDir, emptyOutDir: true, sourcemap: true } });
    } finally {
      console.log = log;
    }
    const chunks = await workerChunks(outDir);
    return [
      "(a second build of the same config with source maps, into a temp directory)",
      ...(await breakdown(ctx, outDir, pageFiles, "page-facing scripts", 8, 10)),
      ...(await breakdown(ctx, outDir, chunks.static, "worker chunks", 14, 12)),
    ];
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

export const size: Measure = {
  id: "size",
  title: "5. Size",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const dist = ctx.distDir;
    const manifest = JSON.parse(await readFile(join(dist, "manifest.json"), "utf8")) as {
      content_scripts?: { js?: string[] }[];
      web_accessible_resources?: { resources: string[] }[];
    };
    const imported = (manifest.web_accessible_resources ?? []).flatMap((r) => r.resources).filter((file) => file.endsWith(".js"));
    const pageFiles = [...new Set([...(manifest.content_scripts ?? []).flatMap((cs) => cs.js ?? []), ...imported])];
    const page = await sizes(dist, pageFiles);
    const worker = await workerChunks(dist);
    const background = await sizes(dist, worker.static);

    const echoDir = join(ctx.repoRoot, "bench", "echo-extension");
    const echoPage = await sizes(echoDir, ["page.js", "content.js"], { minifyFirst: true });
    const echoWorker = await sizes(echoDir, ["worker.js"], { minifyFirst: true });
    const sdkPage = await sizes(join(ctx.buildDir, "pages"), ["sdk-page.js"]);

    const group = this.title;
    const pageNote = `${pageFiles.join(" + ")}; minified ${page.min.toLocaleString("en-US")} B${page.reminifySaves > 512 ? ` (re-minifying would save ${page.reminifySaves} B: not fully minified)` : ""}`;
    const rows: Row[] = [
      {
        group,
        name: "page-facing JS (every page), gzip",
        unit: "bytes",
        vault: { value: page.gzip },
        baseline: { label: "raw echo page+content scripts", figure: { value: echoPage.gzip } },
        ratio: page.gzip / echoPage.gzip,
        target: { text: "≤ 8 KB gzip", met: page.gzip <= 8 * 1024 },
        note: pageNote,
      },
      {
        group,
        name: "page-facing JS (every page), minified",
        unit: "bytes",
        vault: { value: page.min },
        baseline: { label: "raw echo page+content scripts", figure: { value: echoPage.min } },
        ratio: page.min / echoPage.min,
      },
      {
        group,
        name: "page-facing JS vs an in-page SDK, gzip (info)",
        unit: "bytes",
        vault: { value: page.gzip },
        baseline: { label: "@turnkey/core TurnkeyClient bundle (bench/sdk-page)", figure: { value: sdkPage.gzip } },
        ratio: page.gzip / sdkPage.gzip,
        note: "what a dApp ships to keep sessions in the page itself; the vault's page scripts replace only its session part",
      },
      {
        group,
        name: "background (worker chunks), gzip",
        unit: "bytes",
        vault: { value: background.gzip },
        baseline: { label: "raw echo worker", figure: { value: echoWorker.gzip } },
        ratio: background.gzip / echoWorker.gzip,
        note: `${worker.static.join(" + ")}${worker.dynamic.length ? `; lazily imported: ${worker.dynamic.join(", ")}` : ""}`,
      },
      {
        group,
        name: "background (worker chunks), minified",
        unit: "bytes",
        vault: { value: background.min },
        baseline: { label: "raw echo worker", figure: { value: echoWorker.min } },
        ratio: background.min / echoWorker.min,
      },
    ];
    let details: MeasureResult["details"] = [];
    try {
      details = [{ title: "Size: where the bytes come from", lines: await bundleBreakdown(ctx, pageFiles) }];
    } catch (error) {
      details = [{ title: "Size: where the bytes come from", lines: [`(could not rebuild with source maps: ${(error as Error).message})`] }];
    }
    return { rows, details };
  },
};
