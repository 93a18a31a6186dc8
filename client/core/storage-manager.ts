/**
 * `@turnkey/core`'s session storage (its `StorageBase`, kept in `localStorage` by
 * `WebStorageManager`) answered by the vault instead.
 *
 * The entries replace the own properties of the client's existing `WebStorageManager`, so every
 * holder of that object (the client, its API-key stamper, its HTTP client) sees them; each is a
 * closure, because core passes `storageManager.getActiveSession` around unbound. Core's
 * semantics are kept where the vault differs: `getSession()` with no key means the default slot
 * `@turnkey/session/v3`, not the active session. The raw key-value entries have no caller in
 * core; they refuse, so nothing can put a session back into `localStorage` through them.
 */
import { TurnkeyErrorCodes } from "@turnkey/core";
import type { ActiveSessionCache } from "../session-cache.ts";
import { DEFAULT_SESSION_KEY, type Session, type SessionVault } from "../types.ts";
import { refusal, viaVault } from "./errors.ts";

/** The entries of core's `StorageBase` (and `WebStorageManager.storeWallets`) that the adapter replaces. */
export interface CoreStorage {
  getStorageValue(key: string): Promise<unknown>;
  setStorageValue(key: string, value: unknown): Promise<void>;
  removeStorageValue(key: string): Promise<void>;
  storeWallets(wallets: unknown): Promise<void>;
  setActiveSessionKey(sessionKey: string): Promise<void>;
  storeSession(sessionToken: string, sessionKey?: string): Promise<void>;
  getSession(sessionKey?: string): Promise<Session | undefined>;
  getActiveSessionKey(): Promise<string | undefined>;
  getActiveSession(): Promise<Session | undefined>;
  listSessionKeys(): Promise<string[]>;
  clearSession(sessionKey: string): Promise<void>;
  clearAllSessions(): Promise<void>;
}

export interface VaultStorageOptions {
  vault: SessionVault;
  cache: ActiveSessionCache;
  /** The API base URL the client sends requests to: where the vault refreshes sessions stored here. */
  apiBaseUrl: () => string | undefined;
}

export function vaultStorage({ vault, cache, apiBaseUrl }: VaultStorageOptions): CoreStorage {
  const inVault = async (): Promise<never> => {
    throw refusal("Turnkey sessions are kept in the Turnkey Session Vault extension, not in page storage", TurnkeyErrorCodes.INVALID_REQUEST);
  };
  return {
    getStorageValue: inVault,
    setStorageValue: inVault,
    removeStorageValue: inVault,
    storeWallets: inVault,
    setActiveSessionKey: (sessionKey) => viaVault(() => cache.change(() => vault.setActiveSession({ sessionKey }))),
    storeSession: (sessionToken, sessionKey = DEFAULT_SESSION_KEY) =>
      viaVault(() =>
        cache.store(sessionKey, sessionToken, async () => {
          // Storing the token already held (a wallet kit re-reading state) only makes it active: no write, no `sessionStored` echo.
          if ((await vault.getSession({ sessionKey }))?.token === sessionToken) {
            if ((await vault.getActiveSessionKey()) !== sessionKey) await vault.setActiveSession({ sessionKey });
            return;
          }
          const baseUrl = apiBaseUrl();
          await vault.storeSession({ sessionToken, sessionKey, ...(baseUrl ? { apiBaseUrl: baseUrl } : {}) });
        }),
      ),
    getSession: (sessionKey = DEFAULT_SESSION_KEY) => viaVault(() => cache.session(sessionKey)),
    getActiveSessionKey: () => viaVault(() => cache.activeSessionKey()),
    getActiveSession: () => viaVault(() => cache.session()),
    listSessionKeys: () => viaVault(() => cache.sessionKeys()),
    clearSession: (sessionKey) => viaVault(() => cache.change(() => vault.clearSession({ sessionKey }))),
    clearAllSessions: () => viaVault(() => cache.change(() => vault.clearAllSessions())),
  };
}
