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

describe("ActiveSessionCache: a switch of the active session", () => {
  test("activeSessionChanged (setActiveSession in another tab) drops the active key and session", async () => {
    const vault = new FakeVault();
    await loggedIn(vault, "alice");
    await loggedIn(vault, "bob");
    const cache = new ActiveSessionCache(vault);
    expect(await cache.activeSessionKey()).toBe("bob");
    const bob = await cache.session();
    await vault.setActiveSession({ sessionKey: "alice" }); // another tab, not through this cache
    expect(await cache.activeSessionKey()).toBe("alice");
    expect((await cache.session())?.publicKey).not.toBe(bob?.publicKey);
    expect((await cache.session())?.publicKey).toBe(vault.sessions.get("alice")!.publicKey);
  });
});

describe("ActiveSessionCache: what a store or refresh through it keeps", () => {
  const reads = (vault: FakeVault) => vault.calls.filter((c) => ["getSession", "getActiveSessionKey", "getAllSessions"].includes(c.method)).length;

  test("a refresh keeps the refreshed session from its own event, and the active key and keys it does not change", async () => {
    const vault = new FakeVault();
    await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    expect(await cache.activeSessionKey()).toBe("@turnkey/session/v3");
    expect(await cache.sessionKeys()).toEqual(["@turnkey/session/v3"]);
    const before = reads(vault);
    const { session: token } = await cache.refresh(() => vault.refreshSession());
    expect((await cache.session("@turnkey/session/v3"))?.token).toBe(token);
    expect((await cache.session())?.token).toBe(token);
    expect(await cache.activeSessionKey()).toBe("@turnkey/session/v3");
    expect(await cache.sessionKeys()).toEqual(["@turnkey/session/v3"]);
    expect(reads(vault)).toBe(before);
  });

  test("an event after the refresh's own one, before its reply, keeps nothing: the vault's newer session is read", async () => {
    const vault = new FakeVault();
    await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    const result = await cache.refresh(async () => {
      const ours = await vault.refreshSession();
      await vault.refreshSession(); // the alarm or another tab, its event on the same port before our reply
      return ours;
    });
    const current = vault.sessions.get("@turnkey/session/v3")!.token;
    expect(current).not.toBe(result.session);
    expect((await cache.session("@turnkey/session/v3"))?.token).toBe(current);
    expect(vault.count("getSession")).toBe(1);
  });

  test("any other event in between (a clear, a switch) keeps nothing either", async () => {
    const vault = new FakeVault();
    await loggedIn(vault, "a");
    await loggedIn(vault, "b");
    const cache = new ActiveSessionCache(vault);
    await cache.refresh(async () => {
      const ours = await vault.refreshSession({ sessionKey: "a" });
      vault.clearElsewhere("a");
      return ours;
    });
    expect(await cache.session("a")).toBeUndefined();
    await cache.refresh(async () => {
      const ours = await vault.refreshSession({ sessionKey: "b" });
      await vault.setActiveSession({ sessionKey: "b" }).catch(() => {}); // already active: no event
      await loggedIn(vault, "c"); // stored and made active elsewhere
      return ours;
    });
    expect(await cache.activeSessionKey()).toBe("c");
    expect((await cache.session())?.token).toBe(vault.sessions.get("c")!.token);
  });

  test("a later event drops what a refresh kept; a failed refresh keeps nothing", async () => {
    const vault = new FakeVault();
    await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    await cache.refresh(() => vault.refreshSession());
    const { session: newer } = await vault.refreshSession(); // elsewhere, after our reply
    expect((await cache.session())?.token).toBe(newer);
    vault.failWith.refreshSession = "REFRESH_SESSION_ERROR";
    const before = vault.count("getSession");
    await expect(cache.refresh(() => vault.refreshSession())).rejects.toMatchObject({ code: "REFRESH_SESSION_ERROR" });
    expect((await cache.session())?.token).toBe(newer);
    expect(vault.count("getSession")).toBe(before + 1);
  });

  test("a refresh of a session that is not the active one keeps it under its key only", async () => {
    const vault = new FakeVault();
    await loggedIn(vault, "a");
    await loggedIn(vault, "b");
    const cache = new ActiveSessionCache(vault);
    await cache.activeSessionKey();
    const { session: token } = await cache.refresh(() => vault.refreshSession({ sessionKey: "a" }));
    const before = vault.count("getSession");
    expect((await cache.session("a"))?.token).toBe(token);
    expect(vault.count("getSession")).toBe(before);
    expect((await cache.session())?.token).toBe(vault.sessions.get("b")!.token);
    expect(vault.count("getSession")).toBe(before + 1);
  });

  test("a read that started before the refresh and answers after it is not kept", async () => {
    const vault = new FakeVault();
    await loggedIn(vault);
    const cache = new ActiveSessionCache(vault);
    let answer!: () => void;
    const getSession = vault.getSession.bind(vault);
    vault.getSession = async (params) => {
      const old = await getSession(params);
      await new Promise<void>((r) => (answer = r));
      return old;
    };
    const stale = cache.session();
    await Promise.resolve();
    vault.getSession = getSession;
    const { session: token } = await cache.refresh(() => vault.refreshSession());
    answer();
    expect((await stale)?.token).not.toBe(token); // its caller gets what the vault answered then
    expect((await cache.session())?.token).toBe(token);
  });

  test("a store keeps the stored session as the active one; storing the token already held keeps nothing", async () => {
    const vault = new FakeVault();
    await loggedIn(vault, "a");
    const cache = new ActiveSessionCache(vault);
    const publicKey = await vault.createApiKeyPair();
    const token = vault.mint(publicKey, { organizationId: "org-2" });
    await cache.store("b", token, () => vault.storeSession({ sessionToken: token, sessionKey: "b" }));
    const before = reads(vault);
    expect(await cache.activeSessionKey()).toBe("b");
    expect((await cache.session())?.organizationId).toBe("org-2");
    expect((await cache.session("b"))?.token).toBe(token);
    expect(reads(vault)).toBe(before);
    await cache.store("b", token, async () => {}); // nothing written, no event
    expect(await cache.activeSessionKey()).toBe("b");
    expect(reads(vault)).toBe(before + 1);
  });
});
