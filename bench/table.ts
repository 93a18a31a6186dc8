/**
 * The benchmark's result rows and their three renderings: a plain-text table for the terminal,
 * Markdown, and JSON (under `bench/results/`). Each row puts the vault's figure next to its
 * baseline from the same run: median and spread (IQR and p95) of both, the ratio of the medians
 * (with the spread of the per-round ratios where the run was interleaved in rounds), the target
 * and whether it was met. Targets are reported, never asserted.
 */
import { roundRatios, summarize, type Summary } from "./stats.ts";

export type Unit = "ms" | "us" | "per_s" | "bytes" | "MB" | "count";

/** A figure measured once (bytes of a file) or summarised from samples. */
export type Figure = { value: number } | Summary;

export interface Row {
  group: string;
  name: string;
  unit: Unit;
  vault: Figure;
  baseline?: { label: string; figure: Figure };
  /** vault / baseline (of the medians). */
  ratio?: number;
  /** The per-round ratios, when the measurement ran in interleaved rounds. */
  ratioSpread?: Summary;
  target?: { text: string; met: boolean | undefined };
  note?: string;
}

/**
 * A row of a measurement interleaved in rounds: each side's samples (by round) summarised, the
 * ratio of their medians, the spread of the per-round ratios, and the target's verdict if any.
 */
export function pairedRow(row: Pick<Row, "group" | "name" | "unit" | "note"> & {
  vault: readonly number[][];
  baseline: { label: string; rounds: readonly number[][] };
  target?: { text: string; maxRatio: number };
}): Row {
  const vault = summarize(row.vault.flat());
  const baseline = summarize(row.baseline.rounds.flat());
  const ratio = vault.median / baseline.median;
  return {
    group: row.group,
    name: row.name,
    unit: row.unit,
    vault,
    baseline: { label: row.baseline.label, figure: baseline },
    ratio,
    ratioSpread: roundRatios(row.vault, row.baseline.rounds),
    ...(row.target && { target: { text: row.target.text, met: ratio <= row.target.maxRatio } }),
    ...(row.note !== undefined && { note: row.note }),
  };
}

export interface Report {
  meta: Record<string, unknown>;
  rows: Row[];
  /** Named free-form sections (bundle breakdown, scale growth, profiles…). */
  details: { title: string; lines: string[] }[];
  failures: { measure: string; error: string }[];
}

const isSummary = (f: Figure): f is Summary => "median" in f;
export const central = (f: Figure) => (isSummary(f) ? f.median : f.value);

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return "—";
  switch (unit) {
    case "ms":
      return value >= 100 ? `${value.toFixed(0)} ms` : value >= 10 ? `${value.toFixed(1)} ms` : `${value.toFixed(3)} ms`;
    case "us":
      return `${value.toFixed(value >= 100 ? 0 : 1)} µs`;
    case "per_s":
      return `${value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1)}/s`;
    case "bytes":
      return value >= 1024 ? `${(value / 1024).toFixed(2)} KB (${Math.round(value).toLocaleString("en-US")} B)` : `${Math.round(value)} B`;
    case "MB":
      return `${value.toFixed(2)} MB`;
    case "count":
      return Math.round(value).toLocaleString("en-US");
  }
}

function formatSpread(f: Figure, unit: Unit): string {
  if (!isSummary(f)) return "";
  if (f.n <= 1) return `n=${f.n}`;
  const bare = (v: number) => formatValue(v, unit).replace(/ \(.*\)$/, "").replace(/ ?(ms|µs|\/s|MB|KB|B)$/, "");
  const suffix = formatValue(f.median, unit).replace(/ \(.*\)$/, "").match(/ ?(ms|µs|\/s|MB|KB|B)$/)?.[0] ?? "";
  return `IQR ${bare(f.p25)}–${bare(f.p75)}${suffix}, p95 ${bare(f.p95)}, n=${f.n}`;
}

function formatRatio(row: Row): string {
  if (row.ratio === undefined || !Number.isFinite(row.ratio)) return "—";
  const spread = row.ratioSpread && row.ratioSpread.n > 1 ? ` (rounds IQR ${row.ratioSpread.p25.toFixed(2)}–${row.ratioSpread.p75.toFixed(2)})` : "";
  return `${row.ratio.toFixed(2)}×${spread}`;
}

const met = (row: Row) => (row.target === undefined ? "" : row.target.met === undefined ? "?" : row.target.met ? "yes" : "MISSED");

const HEADERS = ["measure", "vault (median)", "vault spread", "baseline", "baseline (median)", "baseline spread", "ratio", "target", "met"];

function cells(row: Row): string[] {
  return [
    row.name,
    formatValue(central(row.vault), row.unit),
    formatSpread(row.vault, row.unit),
    row.baseline?.label ?? "—",
    row.baseline ? formatValue(central(row.baseline.figure), row.unit) : "—",
    row.baseline ? formatSpread(row.baseline.figure, row.unit) : "",
    formatRatio(row),
    row.target?.text ?? "",
    met(row),
  ];
}

function groups(rows: Row[]): [string, Row[]][] {
  const byGroup = new Map<string, Row[]>();
  for (const row of rows) byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
  return [...byGroup];
}

/** A plain-text table, one block per group, for the terminal. */
export function renderText(report: Report): string {
  const all = report.rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...all.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i]!)).join(" │ ").trimEnd();
  const out: string[] = [line(HEADERS), widths.map((w) => "─".repeat(w)).join("─┼─")];
  for (const [group, rows] of groups(report.rows)) {
    out.push(`▸ ${group}`);
    for (const row of rows) out.push(line(cells(row)));
  }
  const notes = report.rows.filter((r) => r.note).map((r) => `  • ${r.name}: ${r.note}`);
  if (notes.length) out.push("", "Notes:", ...notes);
  for (const detail of report.details) out.push("", `${detail.title}:`, ...detail.lines.map((l) => `  ${l}`));
  for (const failure of report.failures) out.push(`  ✗ ${failure.measure} failed: ${failure.error}`);
  return out.join("\n");
}

const md = (text: string) => text.replace(/\|/g, "\\|");

/** The same report as Markdown: machine facts, one table per group, notes and details. */
export function renderMarkdown(report: Report): string {
  const out: string[] = ["# Turnkey Session Vault — benchmark", ""];
  out.push("| fact | value |", "|---|---|");
  for (const [key, value] of Object.entries(report.meta)) out.push(`| ${md(key)} | ${md(typeof value === "string" ? value : JSON.stringify(value))} |`);
  for (const [group, rows] of groups(report.rows)) {
    out.push("", `## ${group}`, "", `| ${HEADERS.join(" | ")} |`, `|${HEADERS.map(() => "---").join("|")}|`);
    for (const row of rows) out.push(`| ${cells(row).map(md).join(" | ")} |`);
    const notes = rows.filter((r) => r.note);
    if (notes.length) out.push("", ...notes.map((r) => `- **${md(r.name)}**: ${r.note}`));
  }
  for (const detail of report.details) out.push("", `### ${detail.title}`, "", "```", ...detail.lines, "```");
  if (report.failures.length) out.push("", "## Failures", "", ...report.failures.map((f) => `- ${f.measure}: ${md(f.error)}`));
  return out.join("\n") + "\n";
}

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
