/**
 * When the alarm should act on a session, and how (docs/api.md#automatic-refresh).
 *
 * Pure: given a session, its refresh status, the settings and the time, `planSession` says
 * whether to expire it, refresh it, warn its tabs (`sessionExpiring`, auto-refresh off) or wait,
 * and until when. The lead time is capped at half the session's duration, so a short session is
 * not refreshed the moment it is stored; failed automatic refreshes back off exponentially.
 */
import type { VaultSettings } from "../shared/protocol.ts";
import type { StoredSession } from "./vault.ts";

/** What the background remembers about a session's refreshes (kept in `storage.session`). */
export interface RefreshStatus {
  /** Automatic refreshes that failed in a row. */
  failures: number;
  /** No automatic retry before this time (ms). */
  retryAt?: number;
  /** The last failure's code and message, from any caller, until a refresh succeeds. */
  lastError?: { code: string; message: string };
  /** The expiry (s) that tabs were already warned about with `sessionExpiring`. */
  warnedExpiry?: number;
}

export type Plan =
  | { action: "expire" }
  | { action: "refresh"; expirationSeconds: string }
  | { action: "warn" }
  | { action: "wait"; until: number };

export const FIRST_RETRY_MS = 5_000;
export const MAX_RETRY_MS = 5 * 60_000;

/** The duration the session was issued for, in seconds: the one a refresh asks for again. */
export function originalDuration(stored: StoredSession): number {
  const declared = Number(stored.session.expirationSeconds);
  if (Number.isSafeInteger(declared) && declared > 0) return declared;
  return Math.max(1, stored.session.expiry - Math.floor(stored.storedAt / 1000));
}

export function retryDelay(failures: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
}

export function planSession(stored: StoredSession, status: RefreshStatus | undefined, settings: VaultSettings, now: number): Plan {
  const expiresAt = stored.session.expiry * 1000;
  if (expiresAt <= now) return { action: "expire" };
  const duration = originalDuration(stored);
  const leadMs = Math.min(settings.refreshLeadSeconds, Math.floor(duration / 2)) * 1000;
  const dueAt = expiresAt - leadMs;

  if (!settings.autoRefresh) {
    if (status?.warnedExpiry === stored.session.expiry) return { action: "wait", until: expiresAt };
    return dueAt <= now ? { action: "warn" } : { action: "wait", until: dueAt };
  }
  const next = Math.max(dueAt, status?.retryAt ?? 0);
  if (next <= now) return { action: "refresh", expirationSeconds: String(duration) };
  return { action: "wait", until: Math.min(next, expiresAt) };
}
