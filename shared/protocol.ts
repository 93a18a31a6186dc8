/**
 * The vault's wire protocol: the types and names that more than one context agrees on.
 *
 * Three hops carry calls (docs/architecture.md#hops-and-what-crosses-them):
 * page script ⇄ content script over a `MessagePort`, content script ⇄ background and
 * popup ⇄ background over `runtime.Port`s. Calls travel as comlink messages; events travel
 * beside them as `{ channel: "event" }` envelopes. Nothing here has behaviour; the constants are
 * marked pure so that each context's bundle keeps only those it uses. Lists are `readonly`
 * arrays, not frozen: no code outside a bundle can reach them, and every `Object.freeze` costs
 * bytes in the page-facing scripts.
 */

/** `@turnkey/core`'s default session slot. */
export const DEFAULT_SESSION_KEY = "@turnkey/session/v3";
/** `DEFAULT_SESSION_EXPIRATION_IN_SECONDS` of `@turnkey/core`: a string, as Turnkey sends it. */
export const DEFAULT_EXPIRATION_SECONDS = "900";
export const MAX_EXPIRATION_SECONDS = 31_536_000;
export const VAULT_INFO = { name: "Turnkey Session Vault", version: "0.1.0" } as const;

export type SessionType = "SESSION_TYPE_READ_ONLY" | "SESSION_TYPE_READ_WRITE";

/** A Turnkey session, shaped as `@turnkey/sdk-types`' `Session` (docs/turnkey.md#sessions-and-the-session-jwt). */
export interface Session {
  sessionType: SessionType;
  userId: string;
  organizationId: string;
  /** JWT `exp`, epoch seconds. */
  expiry: number;
  /** The duration this session was issued for, in seconds, as a digit string. */
  expirationSeconds?: string;
  /** Compressed P-256 public key hex of the session's key pair. */
  publicKey?: string;
  /** The session JWT. */
  token: string;
  sessionProfileId?: string;
  scope?: string;
}

/** The stampers a page registers (`StamperType.Passkey`, `StamperType.Wallet` of `@turnkey/core`). */
export type PageStamperType = "passkey" | "wallet";
export const PAGE_STAMPER_TYPES: readonly PageStamperType[] = ["passkey", "wallet"];

/** Which stamper signs a refresh's `stamp_login`: the vault's session key (`StamperType.ApiKey`) or the page's. */
export type StampWith = "api-key" | PageStamperType;

/** The one header each page stamper may stamp with (docs/turnkey.md#stamps); the background refuses any other. */
export const PAGE_STAMP_HEADER_NAMES: Readonly<Record<PageStamperType, string>> = /* @__PURE__ */ Object.freeze({
  passkey: "X-Stamp-Webauthn",
  wallet: "X-Stamp",
});

export interface StoreSessionParams {
  sessionToken: string;
  sessionKey?: string;
  apiBaseUrl?: string;
}

export interface RefreshSessionParams {
  sessionKey?: string;
  expirationSeconds?: string | number;
  /** Misspelled in the SDK's public type; both spellings are accepted. */
  invalidateExisitng?: boolean;
  invalidateExisting?: boolean;
  publicKey?: string;
  stampWith?: StampWith;
}

export interface RefreshSessionResult {
  /** The new session JWT. */
  session: string;
  /** The `stamp_login` activity as Turnkey returned it. */
  activity: unknown;
}

export interface Stamp {
  stampHeaderName: string;
  stampHeaderValue: string;
}

/** How `sign` writes a signature: ASN.1 DER or r ‖ s (`@turnkey/api-key-stamper`'s `SignatureFormat`). */
export type SignatureFormat = "der" | "raw";

/** Which key `stamp` signs with: a session's (by slot, default the active one) or a key pair's own public key. */
export interface StampOptions {
  sessionKey?: string;
  publicKey?: string;
}

export interface SignOptions {
  publicKey: string;
  format?: SignatureFormat;
}

/** `@turnkey/http`'s `TStamper`: what `registerStamper` takes (e.g. `WebauthnStamper`, `WalletStamper`). */
export interface TStamper {
  stamp(payload: string): Promise<Stamp>;
}

/** The page-only methods of `window.turnkeySession`: the stampers stay in the page, per document. */
export interface PageStamperApi {
  registerStamper(type: PageStamperType, stamper: TStamper): Promise<void>;
  unregisterStamper(type: PageStamperType): Promise<void>;
}

/** What a page may call: `window.turnkeySession` minus the event and stamper methods. */
export interface VaultApi {
  createApiKeyPair(): Promise<string>;
  storeSession(params: StoreSessionParams): Promise<void>;
  refreshSession(params?: RefreshSessionParams): Promise<RefreshSessionResult>;
  getSession(params?: { sessionKey?: string }): Promise<Session | undefined>;
  getAllSessions(): Promise<Record<string, Session> | undefined>;
  setActiveSession(params: { sessionKey: string }): Promise<void>;
  getActiveSessionKey(): Promise<string | undefined>;
  clearSession(params?: { sessionKey?: string }): Promise<void>;
  clearAllSessions(): Promise<void>;
  logout(params?: { sessionKey?: string }): Promise<void>;
  clearUnusedKeyPairs(): Promise<void>;
  stamp(payload: string, options?: StampOptions): Promise<Stamp>;
  sign(payload: string, options: SignOptions): Promise<string>;
  deleteKeyPair(params: { publicKey: string }): Promise<void>;
}

export type VaultMethod = keyof VaultApi;

/** The only calls that cross the bridge; everything else is refused. */
export const VAULT_METHODS: readonly VaultMethod[] = [
  "createApiKeyPair",
  "storeSession",
  "refreshSession",
  "getSession",
  "getAllSessions",
  "setActiveSession",
  "getActiveSessionKey",
  "clearSession",
  "clearAllSessions",
  "logout",
  "clearUnusedKeyPairs",
  "stamp",
  "sign",
  "deleteKeyPair",
];

/**
 * Calls that change nothing, so the bridge may resend them after the worker restarted
 * (`deleteKeyPair` changes state, but a second run finds the key gone and resolves: the same outcome).
 */
export const IDEMPOTENT_METHODS: ReadonlySet<VaultMethod> = /* @__PURE__ */ new Set<VaultMethod>([
  "getSession",
  "getAllSessions",
  "getActiveSessionKey",
  "stamp",
  "sign",
  "deleteKeyPair",
]);

export type VaultEvent =
  | { type: "sessionStored" | "sessionRefreshed"; detail: { sessionKey: string; session: Session } }
  | { type: "sessionExpiring"; detail: { sessionKey: string; expiry: number } }
  | { type: "sessionExpired" | "sessionCleared"; detail: { sessionKey: string } }
  // `setActiveSession` made another session the origin's active one (docs/api.md#events).
  | { type: "activeSessionChanged"; detail: { sessionKey: string } };

export type VaultEventType = VaultEvent["type"];

export const VAULT_EVENT_TYPES: readonly VaultEventType[] = [
  "sessionStored",
  "sessionRefreshed",
  "sessionExpiring",
  "sessionExpired",
  "sessionCleared",
  "activeSessionChanged",
];

/**
 * Envelopes on every port: comlink traffic, vault events (to pages) and change notices (to
 * the popup, which then reads the list again) never mix.
 */
export type Envelope =
  // `events`: vault events sent to the frame before this message, delivered before it (background/port-outbox.ts).
  | { channel: "rpc"; message: unknown; events?: VaultEvent[] }
  // `origin`: set on events sent to a remembered frame, which drops one for another origin (shared/event-origin.ts).
  | { channel: "event"; event: VaultEvent; origin?: string }
  | { channel: "changed" };

/**
 * Page stamping (docs/api.md#stampwith-passkeys-and-wallets). comlink proxies cannot cross a runtime port,
 * so the background asks the calling frame for a stamp with messages of its own, beside the
 * envelopes above: background → bridge → page script `stamp-request`, and back `stamp-reply`.
 * The page script tells its bridge which stamper types it holds with `stampers`.
 */
export interface StampRequest {
  channel: "stamp-request";
  /** Chosen by the background; a reply is only taken for a request still waiting on that port. */
  requestId: string;
  stampWith: PageStamperType;
  /** The exact request body to stamp. */
  payload: string;
}

/** Why a page gave no stamp: no stamper of that type, its user or wallet refused, it failed, or its result is no stamp. */
export type StampRefusal = "no-stamper" | "user-canceled" | "failed" | "invalid-stamp";
export const STAMP_REFUSALS: readonly StampRefusal[] = ["no-stamper", "user-canceled", "failed", "invalid-stamp"];

export type StampOutcome = { ok: true; stamp: Stamp } | { ok: false; reason: StampRefusal; message: string };

export interface StampReply {
  channel: "stamp-reply";
  requestId: string;
  outcome: StampOutcome;
}

/** Page script → bridge: the stamper types this page now holds (the whole set, after each change). */
export interface StamperAnnouncement {
  channel: "stampers";
  types: PageStamperType[];
}

/** `runtime.Port` names; the background decides what a port may do by its name and sender. */
export const PORT_NAMES = {
  page: "turnkey-vault/page",
  popup: "turnkey-vault/popup",
} as const;

/** Marks the page script's and content script's `window.postMessage` handshake. */
export const WINDOW_MESSAGE_TAG = "turnkey-session-vault";
export type WindowHandshake = { [WINDOW_MESSAGE_TAG]: "connect" };

/** Vault settings, kept by the background and edited in the popup (docs/api.md#settings). */
export interface VaultSettings {
  apiBaseUrl: string;
  defaultExpirationSeconds: string;
  autoRefresh: boolean;
  refreshLeadSeconds: number;
  /** How long one Turnkey API call may take before it fails with `TIMEOUT` (at most 30 s). */
  requestTimeoutMs: number;
}

/** A session's state as the popup shows it. */
export type SessionState = "active" | "refreshing" | "refresh-failed" | "expired";

/** One session as the popup lists it. */
export interface SessionEntry {
  origin: string;
  sessionKey: string;
  /** The session without its token: the popup shows sessions, it never needs the JWT. */
  session: Omit<Session, "token">;
  /** It is its origin's active session (`getActiveSessionKey`). */
  selected: boolean;
  apiBaseUrl: string;
  state: SessionState;
  /** Why the last refresh failed, while `state` is `refresh-failed` (or `refreshing` again). */
  lastError?: { code: string; message: string };
}

/** What the popup may call over its privileged port (extension pages only). */
export interface PopupApi {
  listSessions(): Promise<SessionEntry[]>;
  refreshSession(origin: string, sessionKey: string): Promise<void>;
  logout(origin: string, sessionKey: string): Promise<void>;
  getSettings(): Promise<VaultSettings>;
  saveSettings(settings: Partial<VaultSettings>): Promise<VaultSettings>;
}

export const POPUP_METHODS: readonly (keyof PopupApi)[] = [
  "listSessions",
  "refreshSession",
  "logout",
  "getSettings",
  "saveSettings",
];
