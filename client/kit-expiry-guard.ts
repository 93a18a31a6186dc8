/**
 * Guards react-wallet-kit's expire timer against a session that the vault has renewed.
 *
 * For each session the kit arms a timer at the expiry it last read; when it fires, the kit clears
 * that session and then calls `logout()` with no key (the active session), without looking again.
 * The hook re-arms the timer on every `sessionRefreshed` event, but after a long sleep both can be
 * due at once and the timer can run before the queued event: the kit would then clear a session
 * that the vault's alarm has just renewed. Over the adapter's `clearSession` and `logout`, the
 * guard skips a clear of a session whose expiry, as the kit learned it, has passed while the
 * vault holds it still valid with a later expiry; it skips the `logout()` the kit sends right
 * after, and then has the hook bring the kit back in step (`onKept`).
 */
import type { TurnkeyClient } from "@turnkey/core";
import { DEFAULT_SESSION_KEY } from "./types.ts";

/** The part of `TurnkeyClient` the guard wraps. */
export type GuardedClient = Pick<TurnkeyClient, "clearSession" | "logout">;

/**
 * Reads a session from the vault itself: the adapter's memory has not heard of the renewal either
 * (its event is the one still queued).
 */
export type VaultSessionReader = (sessionKey: string) => Promise<{ expiry: number } | undefined>;

/** How long after a skipped clear a `logout()` with no key is taken as the rest of that expiry. */
export const FOLLOW_UP_MS = 1_000;

export interface KitExpiryGuard {
  /** Puts the client's `clearSession` and `logout` back. */
  undo(): void;
}

/**
 * Wraps `client.clearSession` and `client.logout`. `known` holds, per session key, the latest
 * expiry the kit has learned (epoch seconds); `onKept` is told each session a clear was skipped
 * for, once the kit's logout that follows it has run (or did not come).
 */
export function guardKitExpiry(
  client: GuardedClient,
  known: ReadonlyMap<string, number>,
  readVault: VaultSessionReader,
  onKept: (sessionKey: string) => void,
  now = Date.now,
): KitExpiryGuard {
  const { clearSession, logout } = client;
  let pending: { sessionKey: string; timer: ReturnType<typeof setTimeout> } | undefined;

  const finish = () => {
    if (!pending) return;
    clearTimeout(pending.timer);
    const { sessionKey } = pending;
    pending = undefined;
    onKept(sessionKey);
  };

  /** The kit takes this session for expired, but the vault holds it renewed and valid. */
  const outlived = async (sessionKey: string): Promise<boolean> => {
    const learned = known.get(sessionKey);
    if (learned === undefined || learned * 1000 > now()) return false;
    const session = await readVault(sessionKey);
    return !!session && session.expiry > learned && session.expiry * 1000 > now();
  };

  client.clearSession = async (params) => {
    const sessionKey = params?.sessionKey ?? DEFAULT_SESSION_KEY;
    if (!(await outlived(sessionKey))) return clearSession(params);
    finish();
    pending = { sessionKey, timer: setTimeout(finish, FOLLOW_UP_MS) };
  };

  client.logout = async (params) => {
    if (params?.sessionKey !== undefined || !pending) return logout(params);
    // The kit resets its state for this logout as soon as it resolves; bring it back after that.
    clearTimeout(pending.timer);
    pending.timer = setTimeout(finish, 0);
  };

  return {
    undo() {
      if (pending) clearTimeout(pending.timer);
      pending = undefined;
      client.clearSession = clearSession;
      client.logout = logout;
    },
  };
}
