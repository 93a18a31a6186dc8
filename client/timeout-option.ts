/** The `timeoutMs` option of `getSessionVault` and `installSessionVault`: how long to wait for the vault. */

export const DEFAULT_TIMEOUT_MS = 1000;

/** `options.timeoutMs` (default 1000) if it is a finite number ≥ 0; anything else throws at once, with code `VALIDATION_ERROR`. */
export function timeoutOption(options: { timeoutMs?: number } | undefined): number {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw Object.assign(new TypeError(`timeoutMs must be a finite number of milliseconds ≥ 0, not ${String(timeoutMs)}`), { code: "VALIDATION_ERROR" });
  }
  return timeoutMs;
}
