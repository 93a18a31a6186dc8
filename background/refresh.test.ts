import { TurnkeyRequestError } from "@turnkey/http";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { base64UrlDecode, utf8Decode } from "../shared/bytes.ts";
import { TurnkeyError } from "../shared/errors.ts";
import type { PageStamperType, Stamp, VaultSettings } from "../shared/protocol.ts";
import { refreshSessionArgs } from "../shared/validate.ts";
import type { FrameStamper } from "./frame-stamper.ts";
import { LOGIN_KEY_GRACE_MS } from "./vault.ts";
import { defaultSettings } from "./settings.ts";
import { Refresher, toRefreshError } from "./refresh.ts";
import type { StampLoginRequest, TurnkeyApi } from "./turnkey-client.ts";
import { keyPairKeys, login, ORIGIN, tokenFor, recordForgottenKeys, vaultFixture, type VaultFixture } from "./vault.fixture.ts";

/** The public key an API-key stamp names, or undefined for another kind of stamp. */
function apiKeyOf(stamp: Stamp): string | undefined {
  try {
    return JSON.parse(utf8Decode(base64UrlDecode(stamp.stampHeaderValue))).publicKey;
  } catch {
    return undefined;
  }
}

/** A fake Turnkey that records each stamp_login, answers with a token for the new key, and can be held or made to fail. */
class FakeTurnkey implements TurnkeyApi {
  calls: { request: StampLoginRequest; stamp: Stamp; stampedBy: string | undefined; pollsStampedBy: string | undefined }[] = [];
  failWith: unknown;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  constructor(private readonly clock: { now: number }) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async stampLogin(request: StampLoginRequest) {
    const stamp = await request.stamper.stamp("{}");
    request.sent?.();
    const pollStamp = await (request.pollStamper ?? request.stamper).stamp("{}");
    this.calls.push({ request, stamp, stampedBy: apiKeyOf(stamp), pollsStampedBy: apiKeyOf(pollStamp) });
    await this.gate;
    if (this.failWith !== undefined) throw this.failWith;
    const session = tokenFor(request.parameters.publicKey, this.clock, Number(request.parameters.expirationSeconds), { organization_id: request.organizationId });
    return { session, activity: { id: "activity-1", status: "ACTIVITY_STATUS_COMPLETED" } };
  }
}

let f: VaultFixture;
let turnkey: FakeTurnkey;
let refresher: Refresher;
const settings: VaultSettings = defaultSettings("https://api.turnkey.com");
const refresh = (params?: Record<string, unknown>) => refresher.refresh(ORIGIN, refreshSessionArgs(params === undefined ? [] : [params]));

beforeEach(async () => {
  f = await vaultFixture();
  turnkey = new FakeTurnkey(f.clock);
  refresher = new Refresher(f.vault, turnkey, async () => settings);
});

describe("refreshSession", () => {
  it("replaces the session in place with a new key pair and deletes the old one", async () => {
    const oldKey = await login(f);
    const result = await refresh();
    const session = await f.vault.getSession(ORIGIN);
    expect(session?.token).toBe(result.session);
    expect(session?.publicKey).not.toBe(oldKey);
    expect(session?.expirationSeconds).toBe("900");
    expect(keyPairKeys(f.store)).toEqual([`keypair:${session!.publicKey}`]);
    expect(turnkey.calls[0]!.request.parameters).toEqual({ publicKey: session!.publicKey, expirationSeconds: "900", invalidateExisting: false });
    expect(f.events.at(-1)).toEqual({ origin: ORIGIN, event: { type: "sessionRefreshed", detail: { sessionKey: "@turnkey/session/v3", session } } });
  });

  it("signs with the refreshed session's own key and organization, not the active one's (unlike the SDK)", async () => {
    const keyA = await login(f, "a");
    await f.vault.storeSession(ORIGIN, {
      sessionToken: tokenFor(await f.vault.createApiKeyPair(ORIGIN), f.clock, 900, { organization_id: "org-b" }),
      sessionKey: "b",
    });
    await refresh({ sessionKey: "a" });
    expect(turnkey.calls[0]!.stampedBy).toBe(keyA);
    expect(turnkey.calls[0]!.request.organizationId).toBe("org-1");
    expect(await f.vault.getActiveSessionKey(ORIGIN)).toBe("b"); // refreshing does not change the active session
  });

  it("passes expirationSeconds, invalidateExisting (either spelling) and a caller's publicKey", async () => {
    await login(f);
    const mine = await f.vault.createApiKeyPair(ORIGIN);
    await refresh({ expirationSeconds: 3600, invalidateExisitng: true, publicKey: mine });
    expect(turnkey.calls[0]!.request.parameters).toEqual({ publicKey: mine, expirationSeconds: "3600", invalidateExisting: true });
    expect((await f.vault.getSession(ORIGIN))?.publicKey).toBe(mine);
  });

  it("seals the new key pair once the stamp_login is signed and sent (WebCrypto makes that signature first), while Turnkey is asked", async () => {
    await login(f);
    const order: string[] = [];
    const subtle = crypto.subtle;
    const spies = (["sign", "importKey", "encrypt"] as const).map((name) => {
      const original = subtle[name].bind(subtle) as (...args: unknown[]) => unknown;
      return vi.spyOn(subtle, name).mockImplementation(((...args: unknown[]) => (order.push(name), original(...args))) as never);
    });
    try {
      turnkey.hold();
      const pending = refresh();
      await expect.poll(() => order.filter((name) => name !== "sign")).toEqual(["importKey", "encrypt"]);
      expect(turnkey.calls).toHaveLength(1); // sealed before Turnkey answered
      turnkey.release();
      await pending;
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(order[0]).toBe("sign");
    expect(order.filter((name) => name !== "sign")).toEqual(["importKey", "encrypt"]);
    // The record sealed after that signature is the one stored, and a restarted worker signs with it.
    const g = f.restart();
    expect(await g.vault.stamp(ORIGIN, "{}")).toHaveProperty("stampHeaderName");
  });

  it("coalesces concurrent refreshes with the same parameters into one stamp_login", async () => {
    await login(f);
    turnkey.hold();
    const calls = Array.from({ length: 20 }, () => refresh());
    await new Promise((r) => setTimeout(r, 10));
    turnkey.release();
    const results = await Promise.all(calls);
    expect(turnkey.calls).toHaveLength(1);
    expect(new Set(results.map((r) => r.session)).size).toBe(1);
    expect(keyPairKeys(f.store)).toHaveLength(1);
  });

  it("runs a call with other parameters after the one in flight, with the refreshed key", async () => {
    await login(f);
    turnkey.hold();
    const first = refresh();
    const second = refresh({ expirationSeconds: "60" });
    await new Promise((r) => setTimeout(r, 10));
    turnkey.release();
    const [a] = await Promise.all([first, second]);
    expect(turnkey.calls.map((c) => c.request.parameters.expirationSeconds)).toEqual(["900", "60"]);
    expect(turnkey.calls[1]!.stampedBy).toBe(turnkey.calls[0]!.request.parameters.publicKey);
    expect(a.session).not.toBe((await f.vault.getSession(ORIGIN))!.token);
    expect(keyPairKeys(f.store)).toHaveLength(1);
  });

  it("on failure changes nothing stored and deletes the key pair it made", async () => {
    await login(f);
    const before = JSON.stringify([...f.store.data]);
    turnkey.failWith = new TurnkeyRequestError({ code: 14, message: "unavailable", details: null });
    await expect(refresh()).rejects.toMatchObject({ code: "REFRESH_SESSION_ERROR" });
    expect(JSON.stringify([...f.store.data])).toBe(before);
  });

  it("drops the cached signing key of the key pair a failed refresh made, and keeps the signer's", async () => {
    const oldKey = await login(f);
    const { forgotten, restore } = recordForgottenKeys();
    try {
      turnkey.failWith = new TurnkeyRequestError({ code: 14, message: "unavailable", details: null });
      await expect(refresh()).rejects.toMatchObject({ code: "REFRESH_SESSION_ERROR" });
      expect(forgotten).toEqual([turnkey.calls[0]!.request.parameters.publicKey]);
      expect(forgotten).not.toContain(oldKey);
    } finally {
      restore();
    }
  });

  it("keeps a caller's publicKey on failure", async () => {
    await login(f);
    const mine = await f.vault.createApiKeyPair(ORIGIN);
    turnkey.failWith = new Error("boom");
    await expect(refresh({ publicKey: mine })).rejects.toThrow();
    expect(f.store.data.has(`keypair:${mine}`)).toBe(true);
  });

  it("validates against stored state before any network call", async () => {
    await expect(refresh()).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
    await login(f);
    await expect(refresh({ sessionKey: "nope" })).rejects.toMatchObject({ code: "NO_SESSION_FOUND", message: "No active session found: nope" });
    await expect(refresh({ publicKey: "02" + "12".repeat(32) })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(refresh({ stampWith: "passkey" })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    await expect(refresh({ stampWith: "wallet" })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    f.clock.now += 901_000;
    await expect(refresh()).rejects.toMatchObject({ code: "SESSION_EXPIRED" });
    expect(turnkey.calls).toHaveLength(0);
    expect(keyPairKeys(f.store)).toHaveLength(1);
  });

  it("drops the result when the session was logged out meanwhile", async () => {
    await login(f);
    turnkey.hold();
    const pending = refresh();
    await new Promise((r) => setTimeout(r, 10));
    await f.vault.logout(ORIGIN);
    turnkey.release();
    await expect(pending).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
    expect([...f.store.data.keys()]).toEqual(["schema"]);
  });

  it("a worker killed mid-refresh leaves the old session usable and no key pair behind after restart", async () => {
    const oldKey = await login(f);
    turnkey.hold();
    void refresh(); // never finishes: the worker "dies" while Turnkey is answering
    await new Promise((r) => setTimeout(r, 10));
    expect(keyPairKeys(f.store)).toEqual([`keypair:${oldKey}`]); // the new key pair is not stored before success
    const g = f.restart();
    expect((await g.vault.getSession(ORIGIN))?.publicKey).toBe(oldKey);
    expect(keyPairKeys(g.store)).toEqual([`keypair:${oldKey}`]);
    expect(await g.vault.stamp(ORIGIN, "{}")).toHaveProperty("stampHeaderName");
  });
});

/** A page frame's stampers, as `frameStamper` reaches them: records what it was asked, answers or refuses. */
function fakeFrame(name: string, answer: (type: PageStamperType, payload: string) => Promise<Stamp> = async (type) => ({
  stampHeaderName: type === "passkey" ? "X-Stamp-Webauthn" : "X-Stamp",
  stampHeaderValue: `${type}-stamp-by-${name}`,
})) {
  const asked: { type: PageStamperType; payload: string }[] = [];
  const frame: FrameStamper = {
    frame: name,
    stamp: (type, payload) => {
      asked.push({ type, payload });
      return answer(type, payload);
    },
  };
  return { frame, asked };
}

describe("refreshSession with stampWith passkey or wallet", () => {
  const refreshFrom = (frame: FrameStamper, params: Record<string, unknown>) => refresher.refresh(ORIGIN, refreshSessionArgs([params]), frame);

  it("has the calling frame stamp the stamp_login, and the session's own key stamp the polls", async () => {
    const oldKey = await login(f);
    for (const stampWith of ["passkey", "wallet"] as const) {
      const page = fakeFrame("tab-1");
      const result = await refreshFrom(page.frame, { stampWith });
      const call = turnkey.calls.at(-1)!;
      expect(page.asked).toEqual([{ type: stampWith, payload: "{}" }]);
      expect(call.stamp).toEqual({ stampHeaderName: stampWith === "passkey" ? "X-Stamp-Webauthn" : "X-Stamp", stampHeaderValue: `${stampWith}-stamp-by-tab-1` });
      expect(call.request.organizationId).toBe("org-1");
      const session = await f.vault.getSession(ORIGIN);
      expect(session?.token).toBe(result.session);
      expect(keyPairKeys(f.store)).toEqual([`keypair:${session!.publicKey}`]);
    }
    expect(turnkey.calls[0]!.pollsStampedBy).toBe(oldKey);
    expect(turnkey.calls[1]!.pollsStampedBy).toBe(turnkey.calls[0]!.request.parameters.publicKey);
  });

  it("fails with INVALID_CONFIGURATION, making nothing, when no page can stamp (the popup, the alarm)", async () => {
    await login(f);
    const before = JSON.stringify([...f.store.data]);
    await expect(refresh({ stampWith: "passkey" })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    expect(JSON.stringify([...f.store.data])).toBe(before);
  });

  it("on a refusal changes nothing stored, deletes the key pair it made, and never calls Turnkey", async () => {
    await login(f);
    const before = JSON.stringify([...f.store.data]);
    for (const code of ["USER_CANCELED", "INVALID_CONFIGURATION", "TIMEOUT", "VALIDATION_ERROR", "REFRESH_SESSION_ERROR"] as const) {
      const page = fakeFrame("tab-1", async () => {
        expect(keyPairKeys(f.store)).toHaveLength(1); // the new key pair is not stored until the refresh succeeds
        throw new TurnkeyError(`refused (${code})`, code);
      });
      await expect(refreshFrom(page.frame, { stampWith: "passkey" })).rejects.toMatchObject({ code });
      expect(JSON.stringify([...f.store.data])).toBe(before);
    }
    const mine = await f.vault.createApiKeyPair(ORIGIN);
    const refusing = fakeFrame("tab-1", () => Promise.reject(new TurnkeyError("no", "USER_CANCELED")));
    await expect(refreshFrom(refusing.frame, { stampWith: "wallet", publicKey: mine })).rejects.toMatchObject({ code: "USER_CANCELED" });
    expect(f.store.data.has(`keypair:${mine}`)).toBe(true); // a caller's own key pair is kept
    expect(turnkey.calls).toHaveLength(0);
  });

  it("coalesces identical calls of one frame; a call from another tab waits and is stamped by that tab", async () => {
    await login(f);
    turnkey.hold();
    const tab1 = fakeFrame("tab-1");
    const tab2 = fakeFrame("tab-2");
    const first = refreshFrom(tab1.frame, { stampWith: "passkey" });
    const same = refreshFrom(tab1.frame, { stampWith: "passkey" });
    const other = refreshFrom(tab2.frame, { stampWith: "passkey" });
    await new Promise((r) => setTimeout(r, 10));
    expect(tab1.asked).toHaveLength(1);
    expect(tab2.asked).toHaveLength(0); // waits for tab 1's refresh
    turnkey.release();
    const [a, b, c] = await Promise.all([first, same, other]);
    expect(a.session).toBe(b.session);
    expect(c.session).not.toBe(a.session);
    expect(tab2.asked).toHaveLength(1);
    expect(turnkey.calls.map((call) => call.stamp.stampHeaderValue)).toEqual(["passkey-stamp-by-tab-1", "passkey-stamp-by-tab-2"]);
    expect((await f.vault.getSession(ORIGIN))?.token).toBe(c.session);
  });

  it("keeps API-key refreshes from any frame in one flight, never asking a page", async () => {
    await login(f);
    turnkey.hold();
    const tab1 = fakeFrame("tab-1");
    const tab2 = fakeFrame("tab-2");
    const calls = [refreshFrom(tab1.frame, {}), refreshFrom(tab2.frame, { stampWith: "api-key" }), refresh()];
    await new Promise((r) => setTimeout(r, 10));
    turnkey.release();
    expect(new Set((await Promise.all(calls)).map((r) => r.session)).size).toBe(1);
    expect(turnkey.calls).toHaveLength(1);
    expect([...tab1.asked, ...tab2.asked]).toEqual([]);
  });
});

describe("toRefreshError", () => {
  it("maps Turnkey's messages for a dead key to SESSION_EXPIRED and the rest to REFRESH_SESSION_ERROR", () => {
    const unknownKey = new TurnkeyRequestError({ code: 16, message: "could not find public key in organization or its parent organization", details: null });
    const expired = new Error("Turnkey error 16: rpc error: code = Unauthenticated desc = expired api key publicKey 02ab");
    expect(toRefreshError(unknownKey).code).toBe("SESSION_EXPIRED");
    expect(toRefreshError(expired).code).toBe("SESSION_EXPIRED");
    const other = toRefreshError(new TurnkeyRequestError({ code: 3, message: "bad", details: null }));
    expect(other.code).toBe("REFRESH_SESSION_ERROR");
    expect(other.cause).toBeInstanceOf(TurnkeyRequestError);
  });
});

describe("the re-arm after a store or refresh", () => {
  it("storeSession and refreshSession resolve only after what emit returned (the alarm's re-arm) has settled", async () => {
    const rearms: { type: string; done: () => void }[] = [];
    f.emitted.settles = (event) => new Promise<void>((resolve) => rearms.push({ type: event.type, done: resolve }));
    const resolved: string[] = [];

    const stored = login(f).then(() => resolved.push("stored"));
    await expect.poll(() => rearms.map((r) => r.type)).toEqual(["sessionStored"]);
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toEqual([]);
    rearms[0]!.done();
    await stored;

    const refreshed = refresh().then(() => resolved.push("refreshed"));
    await expect.poll(() => rearms.map((r) => r.type)).toEqual(["sessionStored", "sessionRefreshed"]);
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toEqual(["stored"]);
    rearms[1]!.done();
    await refreshed;
    expect(resolved).toEqual(["stored", "refreshed"]);
  });

  it("resolves once the new session is stored, without waiting for the old key pair's deletion, which signs nothing from then", async () => {
    const oldKey = await login(f);
    const remove = f.store.remove;
    let removed: () => void = () => undefined;
    f.store.remove = (keys) => new Promise<void>((resolve) => (removed = resolve)).then(() => remove(keys));
    await refresh();
    expect(keyPairKeys(f.store)).toContain(`keypair:${oldKey}`); // its deletion is still pending
    await expect(f.vault.stampWithPublicKey(ORIGIN, "{}", oldKey)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    removed();
    await expect.poll(() => keyPairKeys(f.store)).toEqual([`keypair:${(await f.vault.getSession(ORIGIN))!.publicKey}`]);
  });

  it("answers after one storage write (the new session with its key pair) and no read; the old key pair's deletion comes after the answer", async () => {
    const oldKey = await login(f);
    const ops: string[] = [];
    const { getAll, get, set, remove } = f.store;
    f.store.getAll = () => (ops.push("getAll"), getAll());
    f.store.get = (key) => (ops.push(`get ${key}`), get(key));
    f.store.set = (items) => (ops.push(`set ${Object.keys(items).join(" ")}`), set(items));
    f.store.remove = (keys) => (ops.push(`remove ${keys.join(" ")}`), remove(keys));
    f.later.held = true;
    const { session } = await refresh();
    const newKey = (await f.vault.getSession(ORIGIN))!.publicKey;
    expect((await f.vault.getSession(ORIGIN))?.token).toBe(session);
    expect(ops).toEqual([`set origin:${ORIGIN} keypair:${newKey}`]);
    expect(keyPairKeys(f.store)).toContain(`keypair:${oldKey}`);
    f.later.flush();
    expect(ops).toEqual([`set origin:${ORIGIN} keypair:${newKey}`, `remove keypair:${oldKey}`]);
    await expect.poll(() => keyPairKeys(f.store)).toEqual([`keypair:${newKey}`]);
  });

  it("reports an old key pair whose deletion failed; the refresh stands and a later start sweeps the key pair", async () => {
    const oldKey = await login(f);
    const remove = f.store.remove;
    f.store.remove = async () => {
      throw new Error("storage write failed");
    };
    const { session } = await refresh();
    f.store.remove = remove;
    await expect.poll(() => f.reports).toEqual(["could not delete a released key pair: Error: storage write failed"]);
    expect((await f.vault.getSession(ORIGIN))?.token).toBe(session);
    expect(keyPairKeys(f.store)).toContain(`keypair:${oldKey}`);
    f.clock.now += LOGIN_KEY_GRACE_MS; // a login key pair is spared by a sweep for its first 10 minutes
    const g = f.restart();
    await g.vault.getSession(ORIGIN);
    expect(keyPairKeys(g.store)).toEqual([`keypair:${(await g.vault.getSession(ORIGIN))!.publicKey}`]);
  });
});
