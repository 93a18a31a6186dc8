/** The kit's expire timer against a session the vault renewed: the clear and the logout after it are skipped, the kit resynced. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FOLLOW_UP_MS, guardKitExpiry, type GuardedClient } from "./kit-expiry-guard.ts";

const KEY = "@turnkey/session/v3";
const NOW = 10_000; // epoch seconds

/** A client over one vault session: `clearSession` and `logout` (the adapter's) record their calls. */
function fakeClient(expiry: number | undefined) {
  const calls: string[] = [];
  const readVault = async (sessionKey: string) => (expiry !== undefined && sessionKey === KEY ? { expiry } : undefined);
  const client = {
    clearSession: async (params?: { sessionKey?: string }) => void calls.push(`clearSession:${params?.sessionKey}`),
    logout: async (params?: { sessionKey?: string }) => void calls.push(`logout:${params?.sessionKey ?? "active"}`),
  };
  return { client: client as unknown as GuardedClient, readVault, calls };
}

/** What the kit's expire timer does (after its own `getSession`): clear that session, then `logout()`. */
async function kitExpires(client: GuardedClient, sessionKey = KEY) {
  await client.clearSession({ sessionKey });
  await client.logout();
}

afterEach(() => vi.useRealTimers());

describe("guardKitExpiry", () => {
  it("skips the expire timer's clear and logout of a session the vault renewed, then has the kit resynced once", async () => {
    vi.useFakeTimers();
    const fake = fakeClient(NOW + 800); // the alarm renewed it; the kit still knows the old expiry
    const kept: string[] = [];
    guardKitExpiry(fake.client, new Map([[KEY, NOW - 5]]), fake.readVault, (k) => kept.push(k), () => NOW * 1000);
    await kitExpires(fake.client);
    expect(fake.calls).toEqual([]);
    expect(kept).toEqual([]); // not before the kit's own clean-up of that logout
    await vi.advanceTimersByTimeAsync(0);
    expect(kept).toEqual([KEY]);
    await fake.client.logout(); // a later logout is the app's: it goes through
    expect(fake.calls).toEqual(["logout:active"]);
  });

  it("lets the clear and logout through when the vault's copy is the one the kit knows, gone, or expired", async () => {
    for (const [vaultExpiry, learned] of [
      [NOW - 5, NOW - 5], // not renewed: it did expire
      [undefined, NOW - 5], // gone from the vault
      [NOW - 1, NOW - 5], // renewed, but expired too
    ] as const) {
      const fake = fakeClient(vaultExpiry);
      const kept: string[] = [];
      guardKitExpiry(fake.client, new Map([[KEY, learned]]), fake.readVault, (k) => kept.push(k), () => NOW * 1000);
      await kitExpires(fake.client);
      expect(fake.calls).toEqual([`clearSession:${KEY}`, "logout:active"]);
      expect(kept).toEqual([]);
    }
  });

  it("lets an app's clearSession through while the kit's expiry for that session has not passed", async () => {
    const fake = fakeClient(NOW + 800);
    guardKitExpiry(fake.client, new Map([[KEY, NOW + 100]]), fake.readVault, () => {}, () => NOW * 1000);
    await kitExpires(fake.client);
    expect(fake.calls).toEqual([`clearSession:${KEY}`, "logout:active"]);
  });

  it("a skipped clear that no logout follows resyncs after FOLLOW_UP_MS; logout of a named session is never skipped", async () => {
    vi.useFakeTimers();
    const fake = fakeClient(NOW + 800);
    const kept: string[] = [];
    guardKitExpiry(fake.client, new Map([[KEY, NOW - 5]]), fake.readVault, (k) => kept.push(k), () => NOW * 1000);
    await fake.client.clearSession({ sessionKey: KEY });
    await fake.client.logout({ sessionKey: "other" });
    expect(fake.calls).toEqual(["logout:other"]);
    await vi.advanceTimersByTimeAsync(FOLLOW_UP_MS - 1);
    expect(kept).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(kept).toEqual([KEY]);
    await fake.client.logout();
    expect(fake.calls).toEqual(["logout:other", "logout:active"]);
  });

  it("undo puts the client's methods back", () => {
    const fake = fakeClient(NOW + 800);
    const { clearSession, logout } = fake.client;
    guardKitExpiry(fake.client, new Map(), fake.readVault, () => {}).undo();
    expect([fake.client.clearSession, fake.client.logout]).toEqual([clearSession, logout]);
  });
});
