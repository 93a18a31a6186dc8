/**
 * Per-origin limits, so that one page cannot fill the disk or starve other origins' calls:
 * how many key pairs and sessions an origin may hold, and how fast it may call anything that
 * does crypto, storage writes or network (reads of the in-memory state are not counted).
 * Exceeding one fails with `FORBIDDEN` and a message that names the limit.
 */
import { TurnkeyError } from "../shared/errors.ts";

export const QUOTAS = {
  /** A dApp holds one key pair per session plus a few logins in progress. */
  keyPairsPerOrigin: 64,
  sessionsPerOrigin: 32,
  /** Token bucket: bursts of this many calls... */
  callBurst: 1_000,
  /** ...refilled at this rate (a stamp costs the worker about 0.5 ms: at most a quarter of it). */
  callsPerSecond: 500,
} as const;

export function quotaExceeded(what: string): TurnkeyError {
  return new TurnkeyError(`Quota exceeded: ${what}`, "FORBIDDEN");
}

/** A token bucket per origin. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly now: () => number,
    private readonly burst: number = QUOTAS.callBurst,
    private readonly perSecond: number = QUOTAS.callsPerSecond,
  ) {}

  /** Takes one call from `origin`'s budget, or throws `FORBIDDEN`. */
  take(origin: string): void {
    const now = this.now();
    const bucket = this.buckets.get(origin) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(origin, bucket);
      throw quotaExceeded(`more than ${this.perSecond} calls per second from ${origin}; slow down`);
    }
    bucket.tokens -= 1;
    this.buckets.set(origin, bucket);
  }
}
