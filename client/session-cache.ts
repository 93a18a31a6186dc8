/**
 * The active session and its key, read from the vault once and kept until something changes.
 *
 * `@turnkey/core` reads the active session two or three times for every request it stamps (for
 * the `organizationId`, for the key that signs, and to check there is a session); each read is a
 * round trip to the extension's worker. Kept here, a request costs one trip: its stamp. Any vault
 * event (a session stored, refreshed, cleared or expired, by this tab or another one, the popup or
 * the alarm) and every change made through this adapter drops what is kept. Reads are kept as
 * promises set when the read starts, so a read that overlaps a change is dropped with it.
 */
import type { Session, SessionVault, SessionVaultEventType } from "./types.ts";

const CHANGES: readonly SessionVaultEventType[] = ["sessionStored", "sessionRefreshed", "sessionExpired", "sessionCleared"];

export class ActiveSessionCache {
  private activeKey: Promise<string | undefined> | undefined;
  private readonly sessions = new Map<string | undefined, Promise<Session | undefined>>();

  constructor(private readonly vault: SessionVault) {
    for (const type of CHANGES) vault.addEventListener(type, () => this.invalidate());
  }

  /** `getActiveSessionKey()`, kept. */
  activeSessionKey(): Promise<string | undefined> {
    if (this.activeKey === undefined) {
      const read = (this.activeKey = this.vault.getActiveSessionKey());
      read.catch(() => this.activeKey === read && (this.activeKey = undefined));
    }
    return this.activeKey;
  }

  /** `getSession()` of the active session (`sessionKey` undefined) or of one key, kept. */
  session(sessionKey?: string): Promise<Session | undefined> {
    let read = this.sessions.get(sessionKey);
    if (read === undefined) {
      const started = (read = this.vault.getSession(sessionKey === undefined ? undefined : { sessionKey }));
      this.sessions.set(sessionKey, started);
      // A failed read is not kept: the next caller asks again.
      started.catch(() => this.sessions.get(sessionKey) === started && this.sessions.delete(sessionKey));
    }
    // Each caller gets its own copy: what one caller changes in it never reaches the next.
    return read.then((session) => session && { ...session });
  }

  /** Drops everything kept. */
  invalidate(): void {
    this.activeKey = undefined;
    this.sessions.clear();
  }

  /** Runs a change to the vault's sessions; nothing read before it ends is kept after it. */
  async change<T>(write: () => Promise<T>): Promise<T> {
    this.invalidate();
    try {
      return await write();
    } finally {
      this.invalidate();
    }
  }
}
