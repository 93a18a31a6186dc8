/**
 * Values made in another JavaScript realm (`node:vm`), as Firefox hands page objects to a
 * content script: `{…}` there has that realm's `Object.prototype`, not ours.
 */
import { runInNewContext } from "node:vm";

/** Evaluates `source` (an expression) in a fresh realm and returns its value. */
export function fromOtherRealm<T = unknown>(source: string): T {
  return runInNewContext(`(${source})`) as T;
}
