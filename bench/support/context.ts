/**
 * What every measurement gets from the runner, and what it hands back.
 */
import type { Standin } from "../../e2e/standin/server.ts";
import type { Row } from "../table.ts";
import type { BenchBrowser } from "./browser.ts";
import type { BenchServer } from "./server.ts";

export interface BenchContext {
  /** `--quick`: small counts, a smoke run. */
  quick: boolean;
  repoRoot: string;
  /** The built extension the browser loaded (a private build: `bench/results/.build/vault/`). */
  distDir: string;
  /** Bench-only bundles (`bench/results/.build/`). */
  buildDir: string;
  /** One Chromium with the vault and the echo extension; absent for measurements that need none. */
  browser: BenchBrowser;
  standin: Standin;
  server: BenchServer;
  log(message: string): void;
}

export interface MeasureResult {
  rows: Row[];
  details?: { title: string; lines: string[] }[];
}

export interface Measure {
  /** Short id for `--only=`. */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<MeasureResult>;
}

/** Splits `total` calls into `rounds` interleaved rounds; in quick mode the caller passes small counts. */
export function rounds(total: number, perRound: number): number {
  return Math.max(1, Math.ceil(total / perRound));
}
