/**
 * The active session, its key, the session keys and the sessions by key, read from the vault once
 * and kept until something changes.
 *
 * `@turnkey/core` reads the active session two or three times for every request it stamps (for
 * the `organizationId`, for the key that signs, and to check there is a session); each read is a
 * round trip to the extension's worker. Kept here, a request costs one trip: its stamp. Vault
 * events (a session stored, refreshed, cleared or expired, the active session switched, by this
 * tab or another one, the popup or the alarm) and every change made through this adapter drop
 * what they can have changed. Reads are kept as promises set when the read starts, so a read that
 * overlaps a change is dropped with it.
 *
 * A store or refresh made through this adapter keeps the session it wrote, taken from its own
 * `sessionStored` / `sessionRefreshed` event: the vault sends that event before the call's reply on
 * the same port, so when the reply comes and no other event came after ours, the event's session
 * is the vault's current one. Any later event drops it again.
 */
import type { RefreshSessionResult, Session, SessionVault } from "./types.ts";

/** The latest vault event, when it was a write that carries its session. */
interface Written {
  type: "sessionStored" | "sessionRefreshed";
  sessionKey: string;
  session: Session;
}

export class ActiveSessionCache {
  private activeKey: Promise<string | undefined> | undefined;
  /** The value `activeKey` resolved to, once it has. */
  private settledActiveKey: { key: string | undefined } | undefined;
  private keys: Promise<string[]> | undefined;
  private readonly sessions = new Map<string | undefined, Promise<Session | undefined>>();
  private lastWrite: Written | undefined;

  constructor(private readonly vault: SessionVault) {
    vault.addEventListener("sessionStored", ({ detail }) => {
      this.invalidate();
      this.lastWrite = { type: "sessionStored", ...detail };
    });
    // A refresh replaces one session; it changes neither the others nor the active key or the keys.
    vault.addEventListener("sessionRefreshed", ({ detail }) => {
      this.sessions.delete(detail.sessionKey);
      this.sessions.delete(undefined);
      this.lastWrite = { type: "sessionRefreshed", ...detail };
    });
    for (const type of ["sessionExpired", "sessionCleared", "activeSessionChanged"] as const) vault.addEventListener(type, () => this.invalidate());
  }

  /** `getActiveSessionKey()`, kept. */
  activeSessionKey(): Promise<string | undefined> {
    if (this.activeKey === undefined) {
      const read = (this.activeKey = this.vault.getActiveSessionKey());
      read.then(
        (key) => this.activeKey === read && (this.settledActiveKey = { key }),
        () => this.activeKey === read && (this.activeKey = undefined),
      );
    }
    return this.activeKey;
  }

  /** The keys of `getAllSessions()`, kept. */
  sessionKeys(): Promise<string[]> {
    if (this.keys === undefined) {
      const read = (this.keys = this.vault.getAllSessions().then((all) => Object.keys(all ?? {})));
      read.catch(() => this.keys === read && (this.keys = undefined));
    }
    return this.keys.then((keys) => [...keys]);
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
    this.settledActiveKey = undefined;
    this.keys = undefined;
    this.dropSessions();
  }

  private dropSessions(): void {
    this.sessions.clear();
    this.lastWrite = undefined;
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

  /** `storeSession` of `sessionToken` under `sessionKey`: a change that then keeps the stored session, as the active one. */
  async store(sessionKey: string, sessionToken: string, write: () => Promise<void>): Promise<void> {
    this.invalidate();
    try {
      await write();
    } catch (error) {
      this.invalidate();
      throw error;
    }
    const written = this.lastWrite;
    this.invalidate();
    if (written?.type === "sessionStored" && written.sessionKey === sessionKey && written.session.token === sessionToken) this.keep(written, true);
  }

  /**
   * `refreshSession`: keeps the refreshed session if its own event is the latest one (that event
   * already dropped what was kept of it; the rest a refresh does not change), else drops every
   * session kept.
   */
  async refresh(write: () => Promise<RefreshSessionResult>): Promise<RefreshSessionResult> {
    this.lastWrite = undefined;
    try {
      const result = await write();
      // Set by the event listeners while `write` ran (TypeScript cannot see that).
      const written = this.lastWrite as Written | undefined;
      if (written?.type === "sessionRefreshed" && written.session.token === result.session) this.keep(written, false);
      else this.dropSessions();
      return result;
    } catch (error) {
      this.dropSessions();
      throw error;
    }
  }

  private keep({ sessionKey, session }: Written, active: boolean): void {
    const kept = Promise.resolve(session);
    this.sessions.set(sessionKey, kept);
    if (active) {
      this.activeKey = Promise.resolve(sessionKey);
      this.settledActiveKey = { key: sessionKey };
    }
    if (this.settledActiveKey?.key === sessionKey) this.sessions.set(undefined, kept);
  }
}
