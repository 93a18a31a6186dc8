import { describe, expect, it } from "vitest";
import { defaultSettings } from "./settings.ts";
import { FIRST_RETRY_MS, MAX_RETRY_MS, originalDuration, planSession, retryDelay } from "./refresh-plan.ts";
import type { StoredSession } from "./vault.ts";

const NOW = 1_800_000_000_000;
const settings = defaultSettings("https://api.turnkey.com");

function stored(secondsLeft: number, expirationSeconds?: string, storedSecondsAgo = 0): StoredSession {
  const expiry = Math.floor(NOW / 1000) + secondsLeft;
  return {
    session: { sessionType: "SESSION_TYPE_READ_WRITE", userId: "u", organizationId: "o", expiry, token: "t", publicKey: "02", ...(expirationSeconds ? { expirationSeconds } : {}) },
    apiBaseUrl: "https://api.turnkey.com",
    storedAt: NOW - storedSecondsAgo * 1000,
  };
}

describe("planSession", () => {
  it("waits until the lead time before expiry, then refreshes with the original duration", () => {
    expect(planSession(stored(900, "900"), undefined, settings, NOW)).toEqual({ action: "wait", until: NOW + 840_000 });
    expect(planSession(stored(60, "900"), undefined, settings, NOW)).toEqual({ action: "refresh", expirationSeconds: "900" });
  });

  it("caps the lead at half the duration, so short sessions are not refreshed at once", () => {
    expect(planSession(stored(20, "20"), undefined, settings, NOW)).toEqual({ action: "wait", until: NOW + 10_000 });
  });

  it("derives the duration of a page-stored session from exp minus the time it was stored", () => {
    expect(originalDuration(stored(100, undefined, 200))).toBe(300);
    expect(planSession(stored(50, undefined, 250), undefined, settings, NOW)).toEqual({ action: "refresh", expirationSeconds: "300" });
  });

  it("respects the retry time after a failure, but never waits past expiry", () => {
    expect(planSession(stored(30, "900"), { failures: 1, retryAt: NOW + 5_000 }, settings, NOW)).toEqual({ action: "wait", until: NOW + 5_000 });
    expect(planSession(stored(3, "900"), { failures: 6, retryAt: NOW + 60_000 }, settings, NOW)).toEqual({ action: "wait", until: NOW + 3_000 });
    expect(planSession(stored(0, "900"), { failures: 6, retryAt: NOW + 60_000 }, settings, NOW)).toEqual({ action: "expire" });
  });

  it("with auto-refresh off, warns once per expiry and then waits for it", () => {
    const off = { ...settings, autoRefresh: false };
    expect(planSession(stored(30, "900"), undefined, off, NOW)).toEqual({ action: "warn" });
    const session = stored(30, "900");
    expect(planSession(session, { failures: 0, warnedExpiry: session.session.expiry }, off, NOW)).toEqual({ action: "wait", until: NOW + 30_000 });
  });
});

describe("retryDelay", () => {
  it("doubles from the first retry up to the cap", () => {
    expect([1, 2, 3, 4].map(retryDelay)).toEqual([FIRST_RETRY_MS, FIRST_RETRY_MS * 2, FIRST_RETRY_MS * 4, FIRST_RETRY_MS * 8]);
    expect(retryDelay(50)).toBe(MAX_RETRY_MS);
  });
});
