/** The active-session cache: one vault read until something changes, never a value read across a change. */
import { describe, expect, test } from "vitest";
import { FakeVault } from "./fake-vault.fixture.ts";
import { ActiveSessionCache } from "./session-cache.ts";

async function loggedIn(vault: FakeVault, sessionKey?: string) {
  const publicKey = await vault.createApiKeyPair();
  await vault.storeSession({ sessionToken: vault.mint(publicKey), ...(sessionKey ? { sessionKey } : {}) });
  return publicKey;
}

describe("ActiveSessionCache", () => {
  test("reads the active session and key once, hands each caller its own copy", async () => {
    const vault = new FakeVault();
    const publicKey = await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    const first = await cache.session();
    first!.organizationId = "changed by a caller";
    expect((await cache.session())?.organizationId).toBe("org-1");
    expect((await cache.session())?.publicKey).toBe(publicKey);
    await cache.activeSessionKey();
    await cache.activeSessionKey();
    expect([vault.count("getSession"), vault.count("getActiveSessionKey")]).toEqual([1, 1]);
  });

  test("every vault event drops what is kept (a change made in another tab, the popup or the alarm)", async () => {
    const vault = new FakeVault();
    await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    await cache.session();
    const newKey = (await vault.refreshSession()).session;
    expect((await cache.session())?.token).toBe(newKey);
    vault.clearElsewhere("@turnkey/session/v3");
    expect(await cache.session()).toBeUndefined();
    expect(await cache.activeSessionKey()).toBeUndefined();
  });

  test("a read that overlaps a change made through it is not kept", async () => {
    const vault = new FakeVault();
    await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    let release!: () => void;
    const change = cache.change(async () => {
      await new Promise<void>((r) => (release = r));
      await vault.setActiveSession({ sessionKey: "other" }).catch(() => {});
      vault.activeKey = undefined; // the change, as the vault saw it, without an event
    });
    expect(await cache.activeSessionKey()).toBe("@turnkey/session/v3"); // read while the change runs
    release();
    await change;
    expect(await cache.activeSessionKey()).toBeUndefined();
  });

  test("a failed read is not kept", async () => {
    const vault = new FakeVault();
    await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    vault.failWith.getSession = "SERVICE_UNAVAILABLE";
    await expect(cache.session()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    delete vault.failWith.getSession;
    expect((await cache.session())?.userId).toBe("user-1");
  });
});
