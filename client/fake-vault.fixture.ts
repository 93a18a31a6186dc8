/**
 * An in-memory `window.turnkeySession` for the client's unit tests, and the small browser pieces
 * (`window`, `localStorage`, `indexedDB`) that `@turnkey/core` and the adapter touch in Node.
 *
 * The fake follows the vault's rules that the adapter relies on (`docs/api.md`): sessions only for
 * key pairs this "origin" holds, storing makes active, refreshing does not, key pairs a session
 * holds cannot be deleted, errors are a foreign class named `TurnkeyError` with a `code`, and an
 * event for every change. Its stamps and signatures are readable strings naming the key pair,
 * so a test sees which key signed what. Every call is logged in `calls`.
 */
import { parseSessionJwt } from "../shared/session-jwt.ts";
import { testSessionToken } from "../shared/session-jwt.fixture.ts";
import type {
  PageStamperType,
  RefreshSessionParams,
  Session,
  SessionVault,
  SessionVaultEventDetails,
  SessionVaultEventType,
  SignatureFormat,
  Stamp,
  TStamper,
} from "./types.ts";

/** The vault page script's error: not `@turnkey/core`'s class, but the same name and a code. */
export class ForeignTurnkeyError extends Error {
  override readonly name = "TurnkeyError";
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

const DEFAULT_KEY = "@turnkey/session/v3";
const hex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

export const fakeStamp = (publicKey: string, payload: string): Stamp => ({ stampHeaderName: "X-Stamp", stampHeaderValue: `stamp(${publicKey}):${payload}` });
export const fakeSignature = (publicKey: string, format: SignatureFormat, payload: string) => `sig-${format}(${publicKey}):${payload}`;

export class FakeVault implements SessionVault {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly keyPairs = new Set<string>();
  readonly sessions = new Map<string, Session & { apiBaseUrl?: string }>();
  readonly stampers = new Map<PageStamperType, TStamper>();
  activeKey: string | undefined;
  /** Makes the named methods reject with this code (once each call). */
  failWith: Partial<Record<keyof SessionVault, string>> = {};
  private readonly events = new EventTarget();

  private enter(method: keyof SessionVault, args: unknown[]): void {
    this.calls.push({ method, args });
    const code = this.failWith[method];
    if (code) throw new ForeignTurnkeyError(`${method} failed`, code);
  }

  count(method: keyof SessionVault): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  private emit<T extends SessionVaultEventType>(type: T, detail: SessionVaultEventDetails[T]): void {
    this.events.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** A session token for a key pair of this vault, as Turnkey would mint it. */
  mint(publicKey: string, options: { expiresIn?: number; organizationId?: string; userId?: string } = {}): string {
    return testSessionToken({
      exp: Math.floor(Date.now() / 1000) + (options.expiresIn ?? 900),
      public_key: publicKey,
      organization_id: options.organizationId ?? "org-1",
      user_id: options.userId ?? "user-1",
    });
  }

  private sessionKeyHolding(publicKey: string): string | undefined {
    return [...this.sessions].find(([, s]) => s.publicKey === publicKey)?.[0];
  }

  private keyFor(payload: string, options: { sessionKey?: string; publicKey?: string } | undefined): string {
    if (options?.publicKey !== undefined) {
      if (!this.keyPairs.has(options.publicKey)) throw new ForeignTurnkeyError("unknown key pair", "INVALID_REQUEST");
      const holder = this.sessionKeyHolding(options.publicKey);
      if (holder && this.sessions.get(holder)!.expiry * 1000 <= Date.now()) throw new ForeignTurnkeyError("expired", "SESSION_EXPIRED");
      return options.publicKey;
    }
    const key = options?.sessionKey ?? this.activeKey;
    const session = key === undefined ? undefined : this.sessions.get(key);
    if (!session) throw new ForeignTurnkeyError("No active session found", "NO_SESSION_FOUND");
    void payload;
    return session.publicKey!;
  }

  async createApiKeyPair(): Promise<string> {
    this.enter("createApiKeyPair", []);
    const publicKey = `02${hex(32)}`;
    this.keyPairs.add(publicKey);
    return publicKey;
  }

  async storeSession(params: { sessionToken: string; sessionKey?: string; apiBaseUrl?: string }): Promise<void> {
    this.enter("storeSession", [params]);
    const parsed = parseSessionJwt(params.sessionToken);
    if (!this.keyPairs.has(parsed.publicKey)) throw new ForeignTurnkeyError("not this origin's key pair", "INVALID_REQUEST");
    const sessionKey = params.sessionKey ?? DEFAULT_KEY;
    const replaced = this.sessions.get(sessionKey);
    if (replaced && replaced.publicKey !== parsed.publicKey) this.keyPairs.delete(replaced.publicKey!);
    const session = { ...parsed, expirationSeconds: "900", ...(params.apiBaseUrl ? { apiBaseUrl: params.apiBaseUrl } : {}) };
    this.sessions.set(sessionKey, session);
    this.activeKey = sessionKey;
    this.emit("sessionStored", { sessionKey, session });
  }

  async refreshSession(params: RefreshSessionParams = {}) {
    this.enter("refreshSession", [params]);
    const sessionKey = params.sessionKey ?? this.activeKey;
    const old = sessionKey === undefined ? undefined : this.sessions.get(sessionKey);
    if (!old || sessionKey === undefined) throw new ForeignTurnkeyError("No active session found", "NO_SESSION_FOUND");
    const publicKey = params.publicKey ?? `03${hex(32)}`;
    this.keyPairs.add(publicKey);
    const token = this.mint(publicKey, { expiresIn: Number(params.expirationSeconds ?? 900), organizationId: old.organizationId, userId: old.userId });
    const session = { ...parseSessionJwt(token), expirationSeconds: String(params.expirationSeconds ?? "900") };
    this.keyPairs.delete(old.publicKey!);
    this.sessions.set(sessionKey, session);
    this.emit("sessionRefreshed", { sessionKey, session });
    return { session: token, activity: { status: "ACTIVITY_STATUS_COMPLETED" } };
  }

  async getSession(params?: { sessionKey?: string }): Promise<Session | undefined> {
    this.enter("getSession", [params]);
    const key = params?.sessionKey ?? this.activeKey;
    const session = key === undefined ? undefined : this.sessions.get(key);
    return session && { ...session };
  }

  async getAllSessions(): Promise<Record<string, Session> | undefined> {
    this.enter("getAllSessions", []);
    return this.sessions.size === 0 ? undefined : Object.fromEntries([...this.sessions].map(([k, s]) => [k, { ...s }]));
  }

  async setActiveSession(params: { sessionKey: string }): Promise<void> {
    this.enter("setActiveSession", [params]);
    if (!this.sessions.has(params.sessionKey)) throw new ForeignTurnkeyError(`No active session found: ${params.sessionKey}`, "NO_SESSION_FOUND");
    if (this.activeKey === params.sessionKey) return;
    this.activeKey = params.sessionKey;
    this.emit("activeSessionChanged", { sessionKey: params.sessionKey });
  }

  async getActiveSessionKey(): Promise<string | undefined> {
    this.enter("getActiveSessionKey", []);
    return this.activeKey;
  }

  /** Clears a session as the popup or another tab would: not through the adapter. */
  clearElsewhere(sessionKey: string): void {
    const session = this.sessions.get(sessionKey);
    if (!session) return;
    this.sessions.delete(sessionKey);
    this.keyPairs.delete(session.publicKey!);
    if (this.activeKey === sessionKey) this.activeKey = undefined;
    this.emit("sessionCleared", { sessionKey });
  }

  async clearSession(params?: { sessionKey?: string }): Promise<void> {
    this.enter("clearSession", [params]);
    this.clearElsewhere(params?.sessionKey ?? DEFAULT_KEY);
  }

  async clearAllSessions(): Promise<void> {
    this.enter("clearAllSessions", []);
    for (const key of [...this.sessions.keys()]) this.clearElsewhere(key);
    this.keyPairs.clear();
  }

  async logout(params?: { sessionKey?: string }): Promise<void> {
    this.enter("logout", [params]);
    const key = params?.sessionKey ?? this.activeKey;
    if (key !== undefined) this.clearElsewhere(key);
  }

  async clearUnusedKeyPairs(): Promise<void> {
    this.enter("clearUnusedKeyPairs", []);
    for (const publicKey of [...this.keyPairs]) if (!this.sessionKeyHolding(publicKey)) this.keyPairs.delete(publicKey);
  }

  async stamp(payload: string, options?: { sessionKey?: string } | { publicKey: string }): Promise<Stamp> {
    this.enter("stamp", [payload, options]);
    return fakeStamp(this.keyFor(payload, options), payload);
  }

  async sign(payload: string, options: { publicKey: string; format?: SignatureFormat }): Promise<string> {
    this.enter("sign", [payload, options]);
    return fakeSignature(this.keyFor(payload, { publicKey: options.publicKey }), options.format ?? "der", payload);
  }

  async deleteKeyPair(params: { publicKey: string }): Promise<void> {
    this.enter("deleteKeyPair", [params]);
    if (this.sessionKeyHolding(params.publicKey)) throw new ForeignTurnkeyError("a session holds this key pair", "INVALID_REQUEST");
    this.keyPairs.delete(params.publicKey);
  }

  async registerStamper(type: PageStamperType, stamper: TStamper): Promise<void> {
    this.enter("registerStamper", [type]);
    this.stampers.set(type, stamper);
  }

  async unregisterStamper(type: PageStamperType): Promise<void> {
    this.enter("unregisterStamper", [type]);
    this.stampers.delete(type);
  }

  addEventListener<T extends SessionVaultEventType>(type: T, listener: (event: CustomEvent<SessionVaultEventDetails[T]>) => void): void {
    this.events.addEventListener(type, listener as EventListener);
  }

  removeEventListener<T extends SessionVaultEventType>(type: T, listener: (event: CustomEvent<SessionVaultEventDetails[T]>) => void): void {
    this.events.removeEventListener(type, listener as EventListener);
  }
}

/** `localStorage` in memory. */
export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  [name: string]: unknown;
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
}

/** `indexedDB.deleteDatabase` that records the names it was asked to delete. */
export function fakeIndexedDb(): IDBFactory & { deleted: string[] } {
  const deleted: string[] = [];
  return {
    deleted,
    deleteDatabase(name: string) {
      deleted.push(name);
      const request = {} as IDBOpenDBRequest;
      setTimeout(() => request.onsuccess?.(new Event("success")));
      return request;
    },
  } as unknown as IDBFactory & { deleted: string[] };
}

/** A `window` for core and the adapter in Node: an event target with storage, IndexedDB and maybe a vault. */
export interface TestWindow extends EventTarget {
  localStorage: MemoryStorage;
  indexedDB: IDBFactory & { deleted: string[] };
  location: { hostname: string };
  turnkeySession?: SessionVault;
}

/** Installs the test `window` (and a `document`) once; core captures `window.localStorage` when it loads. */
export function installTestWindow(): TestWindow {
  const g = globalThis as unknown as { window?: TestWindow; document?: object; localStorage?: Storage; indexedDB?: IDBFactory };
  if (!g.window) {
    const win = Object.assign(new EventTarget(), { localStorage: new MemoryStorage(), indexedDB: fakeIndexedDb(), location: { hostname: "localhost" } });
    g.window = win;
    g.document = {};
    g.localStorage = win.localStorage;
    g.indexedDB = win.indexedDB;
  }
  return g.window;
}
