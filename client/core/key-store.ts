/**
 * The key store under `@turnkey/core`'s API-key stamper (`CrossPlatformApiKeyStamper.stamper`,
 * an `IndexedDbStamper` on the web) answered by the vault: key pairs are made, used and deleted
 * in the extension's worker, and only public keys and signatures reach the page.
 *
 * Core's outer stamper stays as it is (its temporary-key logic for sign-up, and the references the
 * attested stamper and the HTTP client hold to it); only its inner store is swapped. Every call
 * names its key pair, so stamps and signatures map one to one onto the vault's
 * `stamp(payload, { publicKey })` and `sign(payload, { publicKey, format })`.
 */
import { TurnkeyErrorCodes } from "@turnkey/core";
import type { SessionVault, SignatureFormat, Stamp } from "../types.ts";
import { refusal, viaVault } from "./errors.ts";

/** Core's `ApiKeyStamperBase`: what `IndexedDbStamper` implements. */
export interface CoreKeyStore {
  listKeyPairs(): Promise<string[]>;
  createKeyPair(externalKeyPair?: unknown): Promise<string>;
  deleteKeyPair(publicKeyHex: string): Promise<void>;
  sign(payload: string, publicKeyHex: string, format?: SignatureFormat): Promise<string>;
  stamp(payload: string, publicKeyHex: string): Promise<Stamp>;
}

/** Marks the key stores this adapter made (see `usesSessionVault`). */
export const VAULT_KEY_STORE = Symbol.for("turnkey-session-vault.key-store");

export function vaultKeyStore(vault: SessionVault): CoreKeyStore & { [VAULT_KEY_STORE]: true } {
  return {
    [VAULT_KEY_STORE]: true,
    // Core lists key pairs only for its own clearUnusedKeyPairs, which the adapter replaces with the vault's.
    listKeyPairs: async () => [],
    createKeyPair: async (externalKeyPair) => {
      if (externalKeyPair !== undefined) {
        throw refusal("createApiKeyPair: a key pair made in the page cannot be moved into the vault; leave externalKeyPair out", TurnkeyErrorCodes.INVALID_REQUEST);
      }
      return viaVault(() => vault.createApiKeyPair());
    },
    // Core's clean-up paths may pass no key (a session that was already gone): nothing to delete.
    deleteKeyPair: async (publicKey) => (publicKey ? viaVault(() => vault.deleteKeyPair({ publicKey })) : undefined),
    sign: (payload, publicKey, format = "der") => viaVault(() => vault.sign(payload, { publicKey, format })),
    stamp: (payload, publicKey) => viaVault(() => vault.stamp(payload, { publicKey })),
  };
}
