/**
 * Puts one initialised `@turnkey/core` `TurnkeyClient` on the vault, in place.
 *
 * After core's `init()` the client holds a `WebStorageManager` (sessions in `localStorage`) and a
 * `CrossPlatformApiKeyStamper` over an `IndexedDbStamper` (key pairs in IndexedDB, opened on first
 * use). The client, its attested stamper and its HTTP client all point at those two objects, and
 * react-wallet-kit writes into the HTTP client's config, so nothing is rebuilt: the storage
 * manager's entries and the stamper's inner key store are replaced inside the existing objects,
 * and the session-changing client methods are replaced on the instance. The page's passkey and
 * wallet stampers are registered with the vault, for `refreshSession({ stampWith })`.
 */
import { TurnkeyErrorCodes } from "@turnkey/core";
import type { ActiveSessionCache } from "../session-cache.ts";
import type { SessionVault, Stamp } from "../types.ts";
import { refusal, viaVault } from "./errors.ts";
import { vaultKeyStore, VAULT_KEY_STORE, type CoreKeyStore } from "./key-store.ts";
import { vaultSessionMethods } from "./session-methods.ts";
import { vaultStorage, type CoreStorage } from "./storage-manager.ts";

/** The parts of an initialised `TurnkeyClient` that core declares private (writable fields at run time). */
interface CoreClientInternals {
  config: { apiBaseUrl?: string; defaultStamperType?: string };
  storageManager?: CoreStorage;
  apiKeyStamper?: { stamper?: CoreKeyStore };
  httpClient?: { config?: { apiBaseUrl?: string } };
  passkeyStamper?: { stamp(payload: string): Promise<Stamp> };
  walletManager?: { stamper?: { stamp(payload: string): Promise<Stamp> } };
}

/** True for a client, or its `httpClient`, whose key pairs are in the vault. */
export function usesSessionVault(client: unknown): boolean {
  const stamper = (client as { apiKeyStamper?: { stamper?: Record<symbol, unknown> } } | null | undefined)?.apiKeyStamper?.stamper;
  return stamper?.[VAULT_KEY_STORE] === true;
}

export async function attachSessionVault(client: object, vault: SessionVault, cache: ActiveSessionCache): Promise<void> {
  const internals = client as CoreClientInternals;
  const { storageManager, apiKeyStamper } = internals;
  // Fail closed: a core whose insides moved would otherwise keep its keys in the page unnoticed.
  if (typeof storageManager?.getActiveSession !== "function" || typeof apiKeyStamper?.stamper?.stamp !== "function") {
    throw refusal(
      "The Turnkey Session Vault adapter does not recognise this @turnkey/core client (no web storage manager or API-key stamper after init)",
      TurnkeyErrorCodes.INITIALIZE_CLIENT_ERROR,
    );
  }
  const apiBaseUrl = () => internals.httpClient?.config?.apiBaseUrl ?? internals.config.apiBaseUrl;
  Object.assign(storageManager, vaultStorage({ vault, cache, apiBaseUrl }));
  apiKeyStamper.stamper = vaultKeyStore(vault);
  Object.assign(client, vaultSessionMethods({ vault, cache, defaultStampWith: () => internals.config.defaultStamperType }));

  // Delegates, so that a stamper core swaps or reconfigures later is the one asked.
  if (internals.passkeyStamper) {
    await viaVault(() => vault.registerStamper("passkey", { stamp: (payload) => internals.passkeyStamper!.stamp(payload) }));
  }
  if (internals.walletManager?.stamper) {
    await viaVault(() => vault.registerStamper("wallet", { stamp: (payload) => internals.walletManager!.stamper!.stamp(payload) }));
  }
}
