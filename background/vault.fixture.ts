/**
 * A vault on in-memory storage for unit tests: real keystore (WebCrypto AES-GCM wrapping key,
 * WebCrypto P-256), a settable clock, a log of emitted events, and the work the vault leaves
 * for after its answer (`later`: run at once unless a test holds it). `restart()` builds a new
 * vault on the same storage and wrapping key, as a restarted service worker would.
 */
import { vi } from "vitest";
import { memoryStore, type MemoryStore } from "../extension/memory-store.ts";
import type { VaultEvent } from "../shared/protocol.ts";
import { testSessionToken } from "../shared/session-jwt.fixture.ts";
import { heldLater, type HeldLater } from "./after-answer.fixture.ts";
import { Keystore } from "./keystore.ts";
import { Vault } from "./vault.ts";

export const ORIGIN = "https://dapp.test";
export const OTHER_ORIGIN = "https://other.test";
export const START = 1_800_000_000_000;

export interface VaultFixture {
  vault: Vault;
  store: MemoryStore;
  clock: { now: number };
  events: { origin: string; event: VaultEvent }[];
  reports: string[];
  /** What `emit` returns (the vault waits for it after storing or refreshing); default nothing. */
  emitted: { settles?: (event: VaultEvent) => Promise<void> };
  later: HeldLater;
  restart(): VaultFixture;
}

export async function vaultFixture(): Promise<VaultFixture> {
  const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const store = memoryStore();
  const clock = { now: START };
  const build = (): VaultFixture => {
    const events: VaultFixture["events"] = [];
    const reports: string[] = [];
    const emitted: VaultFixture["emitted"] = {};
    const later = heldLater();
    const vault = new Vault({
      store,
      keystore: new Keystore(async () => wrappingKey),
      now: () => clock.now,
      emit: (origin, event) => {
        events.push({ origin, event });
        return emitted.settles?.(event);
      },
      defaultApiBaseUrl: async () => "https://api.turnkey.com",
      report: (message) => reports.push(message),
      later: later.run,
    });
    return { vault, store, clock, events, reports, emitted, later, restart: build };
  };
  return build();
}

/** A session token for `publicKey`, valid for `seconds` from the fixture's clock. */
export function tokenFor(publicKey: string, clock: { now: number }, seconds = 900, claims: Record<string, unknown> = {}): string {
  return testSessionToken({ exp: Math.floor(clock.now / 1000) + seconds, public_key: publicKey, ...claims });
}

/** createApiKeyPair + storeSession, as a dApp logs in. */
export async function login(f: VaultFixture, sessionKey = "@turnkey/session/v3", origin = ORIGIN): Promise<string> {
  const publicKey = await f.vault.createApiKeyPair(origin);
  await f.vault.storeSession(origin, { sessionToken: tokenFor(publicKey, f.clock), sessionKey });
  return publicKey;
}

export const keyPairKeys = (store: MemoryStore) => [...store.data.keys()].filter((key) => key.startsWith("keypair:"));

/** Records every key pair whose signing key a keystore drops from memory (and still drops it); `restore` when done. */
export function recordForgottenKeys(): { forgotten: string[]; restore(): void } {
  const forgotten: string[] = [];
  const forget = Keystore.prototype.forget;
  const spy = vi.spyOn(Keystore.prototype, "forget").mockImplementation(function (this: Keystore, publicKey: string) {
    forgotten.push(publicKey);
    forget.call(this, publicKey);
  });
  return { forgotten, restore: () => spy.mockRestore() };
}
