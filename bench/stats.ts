/**
 * Summaries of timing samples: median, quartiles, p95, and ratios between the vault and its
 * baseline. Percentiles use linear interpolation between closest ranks (R's type 7).
 */

export interface Summary {
  n: number;
  median: number;
  p25: number;
  p75: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    p95: quantile(sorted, 0.95),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
  };
}

export const median = (samples: readonly number[]) => summarize(samples).median;

/**
 * Paired rounds of an interleaved measurement: the ratio of the vault's and the baseline's
 * medians in each round, summarised, so a row can show how stable its ratio is.
 */
export function roundRatios(vaultRounds: readonly number[][], baselineRounds: readonly number[][], pick: (s: Summary) => number = (s) => s.median): Summary {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(vaultRounds.length, baselineRounds.length); i++) {
    const v = vaultRounds[i]!;
    const b = baselineRounds[i]!;
    if (v.length && b.length) ratios.push(pick(summarize(v)) / pick(summarize(b)));
  }
  return summarize(ratios);
}

/**
 * How a quantity grows with the session count: the marginal cost per added session on each
 * segment, and a verdict. "linear" when the later segment's marginal cost is within 1.6× of the
 * earlier one's (so fixed costs do not count against it), "superlinear" above, "sublinear" below
 * 1/1.6.
 */
export function growth(points: { n: number; value: number }[]): { segments: { from: number; to: number; factor: number; perItem: number }[]; verdict: string } {
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const segments = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    segments.push({ from: a.n, to: b.n, factor: b.value / a.value, perItem: (b.value - a.value) / (b.n - a.n) });
  }
  if (segments.length < 2) return { segments, verdict: "n/a (two points)" };
  const first = segments[0]!.perItem;
  const last = segments.at(-1)!.perItem;
  if (first <= 0 && last <= 0) return { segments, verdict: "flat" };
  const ratio = last / first;
  const verdict = first <= 0 ? "grows only at scale" : ratio > 1.6 ? `superlinear (marginal cost ×${ratio.toFixed(1)})` : ratio < 1 / 1.6 ? `sublinear (marginal cost ×${ratio.toFixed(2)})` : `linear (marginal cost ×${ratio.toFixed(2)})`;
  return { segments, verdict };
}
