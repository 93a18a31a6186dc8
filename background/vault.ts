/**
 * The vault: every origin's sessions and key pairs, and the lifecycle methods of
 * docs/api.md#methods (`@turnkey/core`'s names), scoped to the caller's origin.
 *
 * State lives in the `KeyValueStore` as one record per origin (`origin:<origin>`: its
 * sessions and active session key) and one per key pair (`keypair:<public key>`), cached in
 * memory for the worker's life. Every change is written to storage before the cache, one
 * origin at a time (`KeyedMutex`), and ordered so that a worker killed between two writes
 * leaves either the old or the new state plus, at worst, an unreferenced key pair, which the
 * next start sweeps away.
 */
import type { KeyValueStore } from "../extension/key-value-store.ts";
import { bytesToHex, utf8Encode } from "../shared/bytes.ts";
import { encodeApiKeyStamp } from "../shared/api-stamp.ts";
import { TurnkeyError } from "../shared/errors.ts";
import type { SignatureFormat, Session, Stamp, VaultEvent } from "../shared/protocol.ts";
import { parseSessionJwt, type ParsedSession } from "../shared/session-jwt.ts";
import type { RefreshSessionInput, StoreSessionInput } from "../shared/validate.ts";
import { afterAnswer, type Later } from "./after-answer.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { isKeyPairRecord, type KeyPairRecord, type Keystore } from "./keystore.ts";
import { QUOTAS, quotaExceeded } from "./quotas.ts";
import { SETTINGS_STORAGE_KEY } from "./settings.ts";
import { migrateStorage, SCHEMA_KEY } from "./storage-schema.ts";

/** A key pair made by `createApiKeyPair` waits this long for its `storeSession` before it may be swept. */
export const LOGIN_KEY_GRACE_MS = 10 * 60_000;

export interface StoredSession {
  session: Session;
  /** Where this session is refreshed. */
  apiBaseUrl: string;
  /** When the vault stored this version of the session (ms). */
  storedAt: number;
}

export interface OriginRecord {
  v: 1;
  sessions: Record<string, StoredSession>;
  activeSessionKey?: string;
}

export interface VaultDeps {
  store: KeyValueStore;
  keystore: Keystore;
  now: () => number;
  /**
   * Told of every change. For `sessionStored` and `sessionRefreshed` the call resolves only after
   * what `emit` returns has settled: the alarm is re-armed for the new expiry (which may be sooner
   * than the armed one) before the page learns that its session is stored.
   */
  emit: (origin: string, event: VaultEvent) => void | Promise<void>;
  defaultApiBaseUrl: () => Promise<string>;
  /** Told about records that could not be read (corrupt or foreign data). */
  report?: (message: string) => void;
  /** Runs what a caller need not wait for: a released key pair's deletion from storage. Default `afterAnswer`. */
  later?: Later;
}

/** What `beginRefresh` hands to the refresh and what `finishRefresh` needs back. */
export interface RefreshTicket {
  origin: string;
  sessionKey: string;
  /** The session as it was when the refresh began; the commit only replaces this exact one. */
  previous: StoredSession;
  signer: KeyPairRecord;
  newKeyPair: Pick<KeyPairRecord, "publicKey">;
  /** The vault made `newKeyPair` for this refresh (no `publicKey` was given), so a failure deletes it. */
  ownsNewKeyPair: boolean;
  /**
   * Makes (once) that key pair's encrypted record, stored with the new session; the refresh calls
   * it once its `stamp_login` is signed, so it is made while Turnkey is asked (`Keystore.generateSealedLater`).
   */
  sealNewKeyPair?: () => Promise<KeyPairRecord>;
}

interface State {
  origins: Map<string, OriginRecord>;
  keyPairs: Map<string, KeyPairRecord>;
}

const ORIGIN_PREFIX = "origin:";
const KEY_PAIR_PREFIX = "keypair:";
const originStorageKey = (origin: string) => ORIGIN_PREFIX + origin;
const keyPairStorageKey = (publicKey: string) => KEY_PAIR_PREFIX + publicKey;

function isOriginRecord(value: unknown): value is OriginRecord {
  const r = value as Partial<OriginRecord> | null;
  if (typeof r !== "object" || r === null || r.v !== 1 || typeof r.sessions !== "object" || r.sessions === null) return false;
  return Object.values(r.sessions).every(
    (s: Partial<StoredSession>) =>
      typeof s === "object" && s !== null && typeof s.apiBaseUrl === "string" && typeof s.storedAt === "number" &&
      typeof s.session === "object" && s.session !== null && typeof s.session.token === "string" && typeof s.session.publicKey === "string",
  );
}

/** A session by key: own properties only, so "__proto__" or "toString" never finds anything. */
function sessionAt(record: OriginRecord | undefined, sessionKey: string | undefined): StoredSession | undefined {
  return record !== undefined && sessionKey !== undefined && Object.hasOwn(record.sessions, sessionKey) ? record.sessions[sessionKey] : undefined;
}

const noSession = (sessionKey: string | undefined) =>
  new TurnkeyError(sessionKey === undefined ? "No active session found" : `No active session found: ${sessionKey}`, "NO_SESSION_FOUND");

export class Vault {
  private state: Promise<State> | undefined;
  private readonly mutex = new KeyedMutex();
  /** Public keys that a refresh in flight signs with or is about to store; never swept. */
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly deps: VaultDeps) {}

  // ---- page-facing methods (origin comes from the port's sender) ----

  createApiKeyPair(origin: string): Promise<string> {
    return this.locked(origin, async (state) => {
      const held = [...state.keyPairs.values()].filter((keyPair) => keyPair.origin === origin).length;
      if (held >= QUOTAS.keyPairsPerOrigin) {
        throw quotaExceeded(`${origin} holds ${held} key pairs, the most a site may; clear unused key pairs or sessions first`);
      }
      const record = await this.deps.keystore.generate(origin, "login", this.deps.now());
      try {
        await this.deps.store.set({ [keyPairStorageKey(record.publicKey)]: record });
      } catch (error) {
        this.deps.keystore.forget(record.publicKey);
        throw error;
      }
      state.keyPairs.set(record.publicKey, record);
      return record.publicKey;
    });
  }

  storeSession(origin: string, input: StoreSessionInput): Promise<void> {
    const parsed = parseSessionJwt(input.sessionToken);
    return this.locked(origin, async (state) => {
      const now = this.deps.now();
      if (!this.ownKeyPair(state, origin, parsed.publicKey)) {
        throw new TurnkeyError("This origin does not hold the key pair of the session token's public_key", "INVALID_REQUEST");
      }
      const remaining = parsed.expiry - Math.floor(now / 1000);
      if (remaining <= 0) throw new TurnkeyError("The session token has already expired", "SESSION_EXPIRED");
      const record = this.originRecord(state, origin);
      const session: Session = { ...parsed, expirationSeconds: String(remaining) };
      const stored: StoredSession = { session, apiBaseUrl: input.apiBaseUrl ?? (await this.deps.defaultApiBaseUrl()), storedAt: now };
      const replaced = sessionAt(record, input.sessionKey);
      if (!replaced && Object.keys(record.sessions).length >= QUOTAS.sessionsPerOrigin) {
        throw quotaExceeded(`${origin} has ${QUOTAS.sessionsPerOrigin} sessions, the most a site may; clear one first`);
      }
      const next: OriginRecord = { ...record, sessions: { ...record.sessions, [input.sessionKey]: stored }, activeSessionKey: input.sessionKey };
      await this.writeOrigin(state, origin, next, replaced ? [replaced.session.publicKey!] : []);
      await this.deps.emit(origin, { type: "sessionStored", detail: { sessionKey: input.sessionKey, session } });
    });
  }

  async getSession(origin: string, sessionKey?: string): Promise<Session | undefined> {
    const record = (await this.load()).origins.get(origin);
    const key = sessionKey ?? record?.activeSessionKey;
    return sessionAt(record, key)?.session;
  }

  async getAllSessions(origin: string): Promise<Record<string, Session> | undefined> {
    const record = (await this.load()).origins.get(origin);
    const entries = Object.entries(record?.sessions ?? {});
    return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([key, stored]) => [key, stored.session]));
  }

  setActiveSession(origin: string, sessionKey: string): Promise<void> {
    return this.locked(origin, async (state) => {
      const record = this.originRecord(state, origin);
      if (!sessionAt(record, sessionKey)) throw noSession(sessionKey);
      if (record.activeSessionKey === sessionKey) return;
      await this.writeOrigin(state, origin, { ...record, activeSessionKey: sessionKey }, []);
      // Other tabs keep the active session between events (a wallet kit, core through the client package).
      this.deps.emit(origin, { type: "activeSessionChanged", detail: { sessionKey } });
    });
  }

  async getActiveSessionKey(origin: string): Promise<string | undefined> {
    return (await this.load()).origins.get(origin)?.activeSessionKey;
  }

  clearSession(origin: string, sessionKey: string, reason: "sessionCleared" | "sessionExpired" = "sessionCleared"): Promise<void> {
    return this.locked(origin, async (state) => {
      const record = this.originRecord(state, origin);
      const stored = sessionAt(record, sessionKey);
      if (!stored) return;
      const { [sessionKey]: _removed, ...sessions } = record.sessions;
      const next: OriginRecord = { v: 1, sessions };
      if (record.activeSessionKey !== undefined && record.activeSessionKey !== sessionKey) next.activeSessionKey = record.activeSessionKey;
      await this.writeOrigin(state, origin, next, [stored.session.publicKey!]);
      this.deps.emit(origin, { type: reason, detail: { sessionKey } });
    });
  }

  clearAllSessions(origin: string): Promise<void> {
    return this.locked(origin, async (state) => {
      const record = this.originRecord(state, origin);
      const ownKeys = [...state.keyPairs.values()].filter((kp) => kp.origin === origin).map((kp) => kp.publicKey);
      await this.writeOrigin(state, origin, { v: 1, sessions: {} }, ownKeys);
      for (const sessionKey of Object.keys(record.sessions)) this.deps.emit(origin, { type: "sessionCleared", detail: { sessionKey } });
    });
  }

  async logout(origin: string, sessionKey?: string): Promise<void> {
    const key = sessionKey ?? (await this.getActiveSessionKey(origin));
    if (key !== undefined) await this.clearSession(origin, key);
  }

  clearUnusedKeyPairs(origin: string): Promise<void> {
    return this.locked(origin, async (state) => {
      const candidates = [...state.keyPairs.values()].filter((kp) => kp.origin === origin).map((kp) => kp.publicKey);
      await this.deleteUnusedKeyPairs(state, candidates, { spareFreshLoginKeys: true });
    });
  }

  async stamp(origin: string, payload: string, sessionKey?: string): Promise<Stamp> {
    const state = await this.load();
    const record = state.origins.get(origin);
    const key = sessionKey ?? record?.activeSessionKey;
    const stored = sessionAt(record, key);
    if (!stored) throw noSession(key);
    if (stored.session.expiry * 1000 <= this.deps.now()) throw new TurnkeyError(`Session ${key} has expired`, "SESSION_EXPIRED");
    const keyPair = this.ownKeyPair(state, origin, stored.session.publicKey!);
    if (!keyPair) throw new TurnkeyError(`The vault no longer holds the key pair of session ${key}`, "INVALID_REQUEST");
    return this.stampWith(keyPair, payload);
  }

  /** `stamp(payload, { publicKey })`: with any key pair `signingKeyPair` allows. */
  async stampWithPublicKey(origin: string, payload: string, publicKey: string): Promise<Stamp> {
    return this.stampWith(this.signingKeyPair(await this.load(), origin, publicKey), payload);
  }

  /** `sign(payload, { publicKey, format })`: hex ECDSA P-256/SHA-256 over the UTF-8 payload, same key rules as `stampWithPublicKey`. */
  async sign(origin: string, payload: string, publicKey: string, format: SignatureFormat): Promise<string> {
    const keyPair = this.signingKeyPair(await this.load(), origin, publicKey);
    return bytesToHex(await this.deps.keystore.sign(keyPair, utf8Encode(payload), format));
  }

  /**
   * Deletes a key pair of this origin that no session holds, e.g. a login that was abandoned.
   * One that a session (live or expired) or a refresh in flight holds is refused; an unknown
   * key, or another origin's, resolves, so a page learns nothing about other origins.
   */
  deleteKeyPair(origin: string, publicKey: string): Promise<void> {
    return this.locked(origin, async (state) => {
      if (!this.ownKeyPair(state, origin, publicKey)) return;
      if (this.sessionsHolding(state, origin, publicKey).length > 0) {
        throw new TurnkeyError("A session holds this key pair; clear the session instead", "INVALID_REQUEST");
      }
      if (this.inFlight.has(publicKey)) throw new TurnkeyError("A refresh in progress holds this key pair", "INVALID_REQUEST");
      await this.deleteUnusedKeyPairs(state, [publicKey]);
    });
  }

  // ---- for the popup and the scheduler (they see every origin) ----

  async listStored(): Promise<{ origin: string; sessionKey: string; stored: StoredSession; active: boolean }[]> {
    const entries = [];
    for (const [origin, record] of (await this.load()).origins) {
      for (const [sessionKey, stored] of Object.entries(record.sessions)) {
        entries.push({ origin, sessionKey, stored, active: record.activeSessionKey === sessionKey });
      }
    }
    return entries;
  }

  // ---- the three steps of a refresh (see refresh.ts) ----

  /**
   * Checks the request against stored state and makes (or claims) the new key pair.
   * `pageCanStamp`: the call comes from a page, whose registered stamper can be asked for a
   * passkey or wallet stamp; the popup and the alarm have none, so they refresh with the API key.
   */
  beginRefresh(origin: string, input: RefreshSessionInput, pageCanStamp = false): Promise<RefreshTicket> {
    return this.locked(origin, async (state) => {
      const record = this.originRecord(state, origin);
      const sessionKey = input.sessionKey ?? record.activeSessionKey;
      const previous = sessionAt(record, sessionKey);
      if (sessionKey === undefined || !previous) throw noSession(sessionKey);
      const signer = this.ownKeyPair(state, origin, previous.session.publicKey!);
      if (!signer) throw new TurnkeyError(`The vault no longer holds the key pair of session ${sessionKey}`, "INVALID_REQUEST");
      if (previous.session.expiry * 1000 <= this.deps.now()) {
        throw new TurnkeyError(`Session ${sessionKey} has expired and can no longer be refreshed`, "SESSION_EXPIRED");
      }
      if (input.stampWith !== "api-key" && !pageCanStamp) {
        throw new TurnkeyError(`stampWith "${input.stampWith}" needs the stamper registered by the calling page; only a page's own refreshSession can use it`, "INVALID_CONFIGURATION");
      }

      let newKeyPair: Pick<KeyPairRecord, "publicKey"> | undefined;
      let sealNewKeyPair: (() => Promise<KeyPairRecord>) | undefined;
      if (input.publicKey !== undefined) {
        newKeyPair = this.ownKeyPair(state, origin, input.publicKey);
        if (!newKeyPair) throw new TurnkeyError("publicKey is not a key pair this origin created with createApiKeyPair()", "INVALID_REQUEST");
        if (newKeyPair.publicKey === signer.publicKey) throw new TurnkeyError("publicKey is the session's current key", "INVALID_REQUEST");
      } else {
        // Kept in memory until the refresh succeeds, then stored in the same write as the new
        // session: a worker that dies before then leaves nothing behind, and the refresh costs
        // one storage write fewer. Its encryption runs while Turnkey is asked.
        const generated = await this.deps.keystore.generateSealedLater(origin, "refresh", this.deps.now());
        newKeyPair = { publicKey: generated.publicKey };
        sealNewKeyPair = generated.seal;
      }
      this.hold(signer.publicKey, +1);
      this.hold(newKeyPair.publicKey, +1);
      const ticket: RefreshTicket = { origin, sessionKey, previous, signer, newKeyPair, ownsNewKeyPair: input.publicKey === undefined };
      if (sealNewKeyPair) ticket.sealNewKeyPair = sealNewKeyPair;
      return ticket;
    });
  }

  /**
   * Ends a refresh. With a token: stores it in place of `ticket.previous` (the active session
   * stays as it was) and deletes the old key pair. Without one, or when the slot changed
   * meanwhile: stores nothing and deletes the key pair the refresh made.
   */
  finishRefresh(ticket: RefreshTicket, outcome?: { token: string; expirationSeconds: string }): Promise<Session | undefined> {
    return this.locked(ticket.origin, async (state) => {
      this.hold(ticket.signer.publicKey, -1);
      this.hold(ticket.newKeyPair.publicKey, -1);
      const cleanup = [ticket.signer.publicKey, ...(ticket.ownsNewKeyPair ? [ticket.newKeyPair.publicKey] : [])];
      // A key pair this refresh made but never stored: only its cached signing key is left to drop.
      const discard = () => {
        if (ticket.ownsNewKeyPair && !state.keyPairs.has(ticket.newKeyPair.publicKey)) this.deps.keystore.forget(ticket.newKeyPair.publicKey);
      };
      if (!outcome) {
        discard();
        await this.deleteUnusedKeyPairs(state, cleanup);
        return undefined;
      }
      try {
        return await this.commitRefresh(state, ticket, outcome.token, outcome.expirationSeconds);
      } catch (error) {
        discard();
        await this.deleteUnusedKeyPairs(state, cleanup).catch(() => undefined);
        throw error;
      }
    });
  }

  private async commitRefresh(state: State, ticket: RefreshTicket, token: string, expirationSeconds: string): Promise<Session> {
    let parsed: ParsedSession;
    try {
      parsed = parseSessionJwt(token);
    } catch (error) {
      throw new TurnkeyError(`Turnkey returned an unreadable session: ${(error as Error).message}`, "BAD_RESPONSE", error);
    }
    if (parsed.publicKey !== ticket.newKeyPair.publicKey) throw new TurnkeyError("Turnkey returned a session for a different public key", "BAD_RESPONSE");
    const record = this.originRecord(state, ticket.origin);
    if (sessionAt(record, ticket.sessionKey)?.session.token !== ticket.previous.session.token) {
      throw new TurnkeyError(`Session ${ticket.sessionKey} was cleared or replaced while it was being refreshed`, "NO_SESSION_FOUND");
    }
    const session: Session = { ...parsed, expirationSeconds };
    const stored: StoredSession = { session, apiBaseUrl: ticket.previous.apiBaseUrl, storedAt: this.deps.now() };
    const sessions = { ...record.sessions, [ticket.sessionKey]: stored };
    const newRecord = ticket.ownsNewKeyPair ? await ticket.sealNewKeyPair!() : undefined;
    await this.writeOrigin(state, ticket.origin, { ...record, sessions }, [], newRecord);
    this.releaseKeyPairs(state, [ticket.signer.publicKey]);
    await this.deps.emit(ticket.origin, { type: "sessionRefreshed", detail: { sessionKey: ticket.sessionKey, session } });
    return session;
  }

  async stampWith(keyPair: KeyPairRecord, payload: string): Promise<Stamp> {
    return encodeApiKeyStamp(keyPair.publicKey, await this.deps.keystore.sign(keyPair, utf8Encode(payload)));
  }

  // ---- internals ----

  private load(): Promise<State> {
    this.state ??= this.readState().catch((error: unknown) => {
      this.state = undefined;
      if (error instanceof TurnkeyError) throw error;
      throw new TurnkeyError(`Vault storage is unavailable: ${String(error)}`, "API_KEY_STORAGE_UNAVAILABLE", error);
    });
    return this.state;
  }

  private async readState(): Promise<State> {
    const state: State = { origins: new Map(), keyPairs: new Map() };
    const items = await migrateStorage(this.deps.store, await this.deps.store.getAll());
    for (const [key, value] of Object.entries(items)) {
      if (key === SCHEMA_KEY || key === SETTINGS_STORAGE_KEY) continue;
      if (key.startsWith(ORIGIN_PREFIX)) {
        if (isOriginRecord(value)) state.origins.set(key.slice(ORIGIN_PREFIX.length), value);
        else this.deps.report?.(`skipped an unreadable session record: ${key}`);
      } else if (key.startsWith(KEY_PAIR_PREFIX)) {
        if (isKeyPairRecord(value) && keyPairStorageKey(value.publicKey) === key) state.keyPairs.set(value.publicKey, value);
        else this.deps.report?.(`skipped an unreadable key pair record: ${key}`);
      } else {
        this.deps.report?.(`skipped a foreign record: ${key}`);
      }
    }
    // Nothing is in flight in a worker that just started: refresh key pairs that no session took
    // are leftovers of a refresh the previous worker did not finish.
    await this.deleteUnusedKeyPairs(state, [...state.keyPairs.keys()], { spareFreshLoginKeys: true });
    return state;
  }

  private async locked<T>(origin: string, work: (state: State) => Promise<T>): Promise<T> {
    const state = await this.load();
    return this.mutex.run(origin, () => work(state));
  }

  private originRecord(state: State, origin: string): OriginRecord {
    return state.origins.get(origin) ?? { v: 1, sessions: {} };
  }

  private ownKeyPair(state: State, origin: string, publicKey: string): KeyPairRecord | undefined {
    const keyPair = state.keyPairs.get(publicKey);
    return keyPair?.origin === origin ? keyPair : undefined;
  }

  /**
   * The key pair that `stamp`/`sign` with `publicKey` may use: one that a live session of this
   * origin holds, or a login key pair that no session holds yet, inside its grace period (a page
   * signs its login with it before the session exists). Unknown and foreign keys get the same refusal.
   * Callers hand the key to the keystore with no await in between, so a concurrent deleteKeyPair
   * is either seen here or lands after the signature began (and its `forget` drops the cached key).
   */
  private signingKeyPair(state: State, origin: string, publicKey: string): KeyPairRecord {
    const keyPair = this.ownKeyPair(state, origin, publicKey);
    if (!keyPair) throw new TurnkeyError("publicKey is not a key pair of this origin", "INVALID_REQUEST");
    const now = this.deps.now();
    const holders = this.sessionsHolding(state, origin, publicKey);
    if (holders.length > 0) {
      if (holders.some((stored) => stored.session.expiry * 1000 > now)) return keyPair;
      throw new TurnkeyError("The session of this publicKey has expired", "SESSION_EXPIRED");
    }
    if (keyPair.purpose === "login" && now - keyPair.createdAt < LOGIN_KEY_GRACE_MS) return keyPair;
    throw new TurnkeyError("publicKey belongs to no session, and its login grace period is over", "INVALID_REQUEST");
  }

  private sessionsHolding(state: State, origin: string, publicKey: string): StoredSession[] {
    return Object.values(this.originRecord(state, origin).sessions).filter((stored) => stored.session.publicKey === publicKey);
  }

  private hold(publicKey: string, delta: 1 | -1): void {
    const count = (this.inFlight.get(publicKey) ?? 0) + delta;
    if (count > 0) this.inFlight.set(publicKey, count);
    else this.inFlight.delete(publicKey);
  }

  /**
   * Writes one origin's record (with `newKeyPair`, if given, in the same write), then deletes
   * those of `releasedKeys` that nothing uses any more.
   */
  private async writeOrigin(state: State, origin: string, record: OriginRecord, releasedKeys: string[], newKeyPair?: KeyPairRecord): Promise<void> {
    if (Object.keys(record.sessions).length === 0) {
      await this.deps.store.remove([originStorageKey(origin)]);
      state.origins.delete(origin);
    } else {
      await this.deps.store.set({ [originStorageKey(origin)]: record, ...(newKeyPair ? { [keyPairStorageKey(newKeyPair.publicKey)]: newKeyPair } : {}) });
      state.origins.set(origin, record);
      if (newKeyPair) state.keyPairs.set(newKeyPair.publicKey, newKeyPair);
    }
    await this.deleteUnusedKeyPairs(state, releasedKeys);
  }

  /**
   * Forgets those of `candidates` that nothing uses at once, and deletes them from storage once
   * the caller has its answer (`later`): for the old key pair of a refresh, whose new session is
   * already stored. Memory goes first, so the key signs nothing once the refresh resolves; a
   * record the deletion misses (a failed write, a worker stopped meanwhile) is referenced by no
   * session and swept at a start like any such key pair.
   */
  private releaseKeyPairs(state: State, candidates: string[]): void {
    const unused = this.unusedKeyPairs(state, candidates, false);
    if (unused.length === 0) return;
    for (const publicKey of unused) {
      state.keyPairs.delete(publicKey);
      this.deps.keystore.forget(publicKey);
    }
    const keys = unused.map(keyPairStorageKey);
    (this.deps.later ?? afterAnswer)(() =>
      void this.deps.store.remove(keys).catch((error: unknown) => this.deps.report?.(`could not delete a released key pair: ${String(error)}`)),
    );
  }

  /**
   * Deletes those of `candidates` that no session references and no refresh holds. A sweep
   * spares login key pairs younger than `LOGIN_KEY_GRACE_MS` (a page may be logging in with one).
   */
  private async deleteUnusedKeyPairs(state: State, candidates: string[], { spareFreshLoginKeys = false } = {}): Promise<void> {
    const unused = this.unusedKeyPairs(state, candidates, spareFreshLoginKeys);
    if (unused.length === 0) return;
    await this.deps.store.remove(unused.map(keyPairStorageKey));
    for (const publicKey of unused) {
      state.keyPairs.delete(publicKey);
      this.deps.keystore.forget(publicKey);
    }
  }

  private unusedKeyPairs(state: State, candidates: string[], spareFreshLoginKeys: boolean): string[] {
    if (candidates.length === 0) return []; // most writes release nothing: skip the walk over every session
    const now = this.deps.now();
    const referenced = new Set<string>();
    for (const record of state.origins.values()) {
      for (const stored of Object.values(record.sessions)) referenced.add(stored.session.publicKey!);
    }
    return candidates.filter((publicKey) => {
      const keyPair = state.keyPairs.get(publicKey);
      if (!keyPair || referenced.has(publicKey) || this.inFlight.has(publicKey)) return false;
      return !spareFreshLoginKeys || keyPair.purpose === "refresh" || now - keyPair.createdAt >= LOGIN_KEY_GRACE_MS;
    });
  }
}
