/**
 * The types of `window.turnkeySession`, as a dApp sees it: its methods, parameters, results,
 * events and error codes (the repository's `docs/api.md`). This package carries its own copy so
 * that it installs on its own; `types-match.test.ts` keeps it equal to the extension's
 * `shared/protocol.ts`.
 */

/** `@turnkey/core`'s default session slot. */
export const DEFAULT_SESSION_KEY = "@turnkey/session/v3";

export type SessionType = "SESSION_TYPE_READ_ONLY" | "SESSION_TYPE_READ_WRITE";

/** A Turnkey session, shaped as `@turnkey/sdk-types`' `Session`. */
export interface Session {
  sessionType: SessionType;
  userId: string;
  organizationId: string;
  /** JWT `exp`, epoch seconds. */
  expiry: number;
  /** The duration this session was issued for, in seconds, as a digit string. */
  expirationSeconds?: string;
  /** Compressed P-256 public key hex of the session's key pair (the private key stays in the vault). */
  publicKey?: string;
  /** The session JWT. */
  token: string;
  sessionProfileId?: string;
  scope?: string;
}

/** The stampers a page may register: `StamperType.Passkey` and `StamperType.Wallet` of `@turnkey/core`. */
export type PageStamperType = "passkey" | "wallet";

/** Which stamper signs a refresh's `stamp_login`: the vault's session key, or a stamper the page registered. */
export type StampWith = "api-key" | PageStamperType;

export interface StoreSessionParams {
  sessionToken: string;
  /** Default `"@turnkey/session/v3"`. */
  sessionKey?: string;
  /** Where this session is refreshed: `https:`, or `http://localhost` / `http://127.0.0.1`. */
  apiBaseUrl?: string;
}

export interface RefreshSessionParams {
  /** Default: the active session. */
  sessionKey?: string;
  /** Default `"900"`. */
  expirationSeconds?: string | number;
  /** Misspelt in `@turnkey/core`'s own type; both spellings are accepted. */
  invalidateExisitng?: boolean;
  invalidateExisting?: boolean;
  /** A key pair this origin made with `createApiKeyPair()`; default a new one. */
  publicKey?: string;
  stampWith?: StampWith;
}

export interface RefreshSessionResult {
  /** The new session JWT. */
  session: string;
  /** The `stamp_login` activity as Turnkey returned it. */
  activity: unknown;
}

/** A Turnkey request stamp: the header to send and its value. */
export interface Stamp {
  stampHeaderName: string;
  stampHeaderValue: string;
}

/** `@turnkey/http`'s `TStamper`, e.g. Turnkey's `WebauthnStamper` or `WalletStamper`. */
export interface TStamper {
  stamp(payload: string): Promise<Stamp>;
}

/** `"der"` (default) or `"raw"` (r‖s, 64 bytes), as `@turnkey/api-key-stamper`'s `SignatureFormat`. */
export type SignatureFormat = "der" | "raw";

/** The `detail` of each event the vault dispatches on `window.turnkeySession`. */
export interface SessionVaultEventDetails {
  sessionStored: { sessionKey: string; session: Session };
  sessionRefreshed: { sessionKey: string; session: Session };
  sessionExpiring: { sessionKey: string; expiry: number };
  sessionExpired: { sessionKey: string };
  sessionCleared: { sessionKey: string };
}

export type SessionVaultEventType = keyof SessionVaultEventDetails;

export type SessionVaultListener<T extends SessionVaultEventType> = (event: CustomEvent<SessionVaultEventDetails[T]>) => void;

/** `window.turnkeySession`: every method acts on the calling page's origin only. */
export interface SessionVault {
  /** A new P-256 key pair in the vault; resolves its compressed public key hex. */
  createApiKeyPair(): Promise<string>;
  /** Stores a session JWT whose key pair this origin holds and makes it the active session. */
  storeSession(params: StoreSessionParams): Promise<void>;
  /** Turnkey's `stamp_login`, signed by that session's own key; does not change the active session. */
  refreshSession(params?: RefreshSessionParams): Promise<RefreshSessionResult>;
  /** That session (default: the active one), or `undefined`. */
  getSession(params?: { sessionKey?: string }): Promise<Session | undefined>;
  getAllSessions(): Promise<Record<string, Session> | undefined>;
  setActiveSession(params: { sessionKey: string }): Promise<void>;
  getActiveSessionKey(): Promise<string | undefined>;
  /** Removes one session (default `"@turnkey/session/v3"`) and its key pair; resolves if there is none. */
  clearSession(params?: { sessionKey?: string }): Promise<void>;
  clearAllSessions(): Promise<void>;
  /** Clears the given or the active session; resolves if there is none. */
  logout(params?: { sessionKey?: string }): Promise<void>;
  /** Deletes key pairs no session uses (a login key pair is spared for 10 minutes). */
  clearUnusedKeyPairs(): Promise<void>;
  /** An `X-Stamp` over `payload` with a session's key (default the active one) or with one key pair of this origin. */
  stamp(payload: string, options?: { sessionKey?: string } | { publicKey: string }): Promise<Stamp>;
  /** Hex ECDSA P-256 / SHA-256 signature of the UTF-8 `payload` with that key pair of this origin. */
  sign(payload: string, options: { publicKey: string; format?: SignatureFormat }): Promise<string>;
  /** Deletes a key pair of this origin that no session holds; resolves if it is unknown. */
  deleteKeyPair(params: { publicKey: string }): Promise<void>;
  /** Registers this page's passkey or wallet stamper for `refreshSession({ stampWith })`. It stays in the page. */
  registerStamper(type: PageStamperType, stamper: TStamper): Promise<void>;
  unregisterStamper(type: PageStamperType): Promise<void>;
  addEventListener<T extends SessionVaultEventType>(type: T, listener: SessionVaultListener<T>): void;
  removeEventListener<T extends SessionVaultEventType>(type: T, listener: SessionVaultListener<T>): void;
}

/** The codes (from `@turnkey/sdk-types`' `TurnkeyErrorCodes`) that the vault's methods reject with. */
export const SESSION_VAULT_ERROR_CODES = [
  "NO_SESSION_FOUND",
  "SESSION_EXPIRED",
  "REFRESH_SESSION_ERROR",
  "BAD_RESPONSE",
  "INVALID_REQUEST",
  "VALIDATION_ERROR",
  "INVALID_CONFIGURATION",
  "USER_CANCELED",
  "STORE_SESSION_ERROR",
  "CREATE_API_KEY_PAIR_ERROR",
  "API_KEY_STORAGE_UNAVAILABLE",
  "NOT_FOUND",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "TIMEOUT",
  "NETWORK_ERROR",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_ERROR",
  "UNSUPPORTED_PLATFORM",
  "UNKNOWN",
] as const;

export type SessionVaultErrorCode = (typeof SESSION_VAULT_ERROR_CODES)[number];

/** What the vault's methods reject with: an `Error` named `"TurnkeyError"` with a `code`. */
export interface SessionVaultError extends Error {
  name: "TurnkeyError";
  code: SessionVaultErrorCode;
}
