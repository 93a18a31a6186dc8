/**
 * The repository explains itself: every `docs/…` path and `#anchor` that a Markdown file or a
 * source file names must exist, every relative link in Markdown must resolve, and no file may
 * name a document that lives outside the repository (the notes the project was started from).
 * Anchors are GitHub's: a heading lowercased, punctuation dropped, spaces turned into `-`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SKIPPED_DIRS = new Set(["node_modules", ".git", "test-results", "playwright-report", "bench/results", "e2e/artifacts", "e2e/demo/dapp/kit-app"]);
const SCANNED = /\.(md|ts|tsx|js|mjs|html|css|sh|dot)$/;
/** Documents outside the repository, spelled in pieces so that this file does not name them itself. */
const OUTSIDE = [
  ...["vault-contract", "turnkey-api", "browser-testing", "turnkey-core-adapter"].map((name) => `${name}.md`),
  ["shared", "docs"].join("/"),
  ["", "work", "shared", ""].join("/"),
];
/** `docs/<path>[#anchor]`, unless `docs` is a folder inside another path (`tkhq/docs/…`). */
const DOCS_REFERENCE = /(?<![\w-]\/)(?<![\w.-])docs\/([\w./-]*[\w-])(#[\w-]*)?/g;
const MARKDOWN_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** GitHub's anchor for a heading's text. */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** Fenced code blocks blanked out (line numbers kept): their `#` lines are no headings, their brackets no links. */
function withoutCodeBlocks(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split("\n")
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && marker) {
        fence = marker;
        return "";
      }
      if (fence !== undefined) {
        if (marker?.startsWith(fence)) fence = undefined;
        return "";
      }
      return line;
    })
    .join("\n");
}

/** The anchors a Markdown document defines: its headings' slugs (repeats numbered) and explicit ids. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown).split("\n")) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const [, id] of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id!);
  }
  return anchors;
}

export interface Problem {
  file: string;
  line: number;
  problem: string;
}

/**
 * Checks `files` (repository-relative path → text). `exists` answers for any repository-relative
 * path, file or folder; anchors are checked in the Markdown files of `files`.
 */
export function findProblems(files: ReadonlyMap<string, string>, exists: (path: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  const anchors = new Map<string, Set<string>>();
  const anchorsFor = (path: string) => {
    if (!anchors.has(path)) anchors.set(path, anchorsOf(files.get(path)!));
    return anchors.get(path)!;
  };
  const check = (file: string, text: string, index: number, target: string, anchor: string | undefined, how: string) => {
    const line = text.slice(0, index).split("\n").length;
    if (target.startsWith("../") || !exists(target)) {
      problems.push({ file, line, problem: `${how} ${target}, which does not exist` });
    } else if (anchor !== undefined && files.has(target) && target.endsWith(".md") && !anchorsFor(target).has(anchor)) {
      problems.push({ file, line, problem: `${how} ${target}#${anchor}, a heading ${target} does not have` });
    }
  };

  for (const [file, text] of files) {
    for (const name of OUTSIDE) {
      for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
        const line = text.slice(0, at).split("\n").length;
        problems.push({ file, line, problem: `names ${name}, a document outside the repository; point to docs/ instead` });
      }
    }
    for (const match of text.matchAll(DOCS_REFERENCE)) {
      check(file, text, match.index, `docs/${match[1]}`, match[2]?.slice(1), "names");
    }
    if (!file.endsWith(".md")) continue;
    const prose = withoutCodeBlocks(text).replace(/`[^`\n]*`/g, (code) => " ".repeat(code.length));
    for (const match of prose.matchAll(MARKDOWN_LINK)) {
      const href = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:
      const [path, anchor] = href.split("#", 2) as [string, string | undefined];
      const target = path === "" ? file : posix.normalize(posix.join(posix.dirname(file), path)).replace(/\/$/, "");
      check(file, text, match.index, target, anchor, "links to");
    }
  }
  return problems;
}

function repositoryFiles(dir = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(path) && !SKIPPED_DIRS.has(entry.name) && !/^dist/.test(entry.name)) files.push(...repositoryFiles(path));
    } else if (SCANNED.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

const existsInRepository = (path: string) => {
  try {
    statSync(join(ROOT, path));
    return relative(ROOT, join(ROOT, path)).split("/")[0] !== "..";
  } catch {
    return false;
  }
};

describe("links into docs/", () => {
  it("every docs/ path, anchor and relative Markdown link in the repository exists, and nothing outside it is named", () => {
    const files = new Map(repositoryFiles().map((path) => [path, readFileSync(join(ROOT, path), "utf8")]));
    expect(files.has("docs/api.md") && files.has("README.md")).toBe(true); // the walk really found the documents
    const report = findProblems(files, existsInRepository).map(({ file, line, problem }) => `${file}:${line}: ${problem}`);
    expect(report).toEqual([]);
  });

  it("reports a missing file, a missing anchor, a broken relative link and an outside document", () => {
    const docs = "docs/";
    const files = new Map([
      [`${docs}api.md`, "# The API\n\n## `refreshSession(params?)`\n\nSee [the guide](guide.md#nowhere) and [here](#the-api).\n"],
      [`${docs}guide.md`, "# Guide\n\n```md\n## Not a heading\n```\n"],
      ["shared/x.ts", `/** See ${docs}api.md#refreshsessionparams, ${docs}api.md#gone and ${docs}missing.md. */\n// ${OUTSIDE[0]}\n`],
      ["README.md", `[api](${docs}api.md) [old](${docs}old.md) [guide](${docs}guide.md#not-a-heading)\n`],
    ]);
    const exists = (path: string) => files.has(path) || path === "docs" || path === "shared";
    const report = findProblems(files, exists).map(({ file, line, problem }) => `${file}:${line}: ${problem}`);
    expect(report).toEqual([
      `${docs}api.md:5: links to ${docs}guide.md#nowhere, a heading ${docs}guide.md does not have`,
      `shared/x.ts:2: names ${OUTSIDE[0]}, a document outside the repository; point to docs/ instead`,
      `shared/x.ts:1: names ${docs}api.md#gone, a heading ${docs}api.md does not have`,
      `shared/x.ts:1: names ${docs}missing.md, which does not exist`,
      `README.md:1: names ${docs}old.md, which does not exist`,
      `README.md:1: names ${docs}guide.md#not-a-heading, a heading ${docs}guide.md does not have`,
      `README.md:1: links to ${docs}old.md, which does not exist`,
      `README.md:1: links to ${docs}guide.md#not-a-heading, a heading ${docs}guide.md does not have`,
    ]);
  });

  it("slugs headings as GitHub does", () => {
    expect(slug("`refreshSession(params?)`")).toBe("refreshsessionparams");
    expect(slug("The popup's API")).toBe("the-popups-api");
    expect(slug("comlink over `runtime.Port`")).toBe("comlink-over-runtimeport");
    expect(slug("`stampWith`: passkeys and wallets")).toBe("stampwith-passkeys-and-wallets");
    expect(slug("The dApp library (`client/`)")).toBe("the-dapp-library-client");
    expect(slug("`stamp_login`")).toBe("stamp_login");
    expect([...anchorsOf("# A\n## Errors\n### Errors\n")]).toEqual(["a", "errors", "errors-1"]);
  });
});
