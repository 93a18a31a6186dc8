import { TurnkeyRequestError } from "@turnkey/http";
import { beforeEach, describe, expect, it } from "vitest";
import { base64UrlDecode, utf8Decode } from "../shared/bytes.ts";
import type { VaultSettings } from "../shared/protocol.ts";
import { refreshSessionArgs } from "../shared/validate.ts";
import { defaultSettings } from "./settings.ts";
import { Refresher, toRefreshError } from "./refresh.ts";
import type { StampLoginRequest, TurnkeyApi } from "./turnkey-client.ts";
import { keyPairKeys, login, ORIGIN, tokenFor, vaultFixture, type VaultFixture } from "./vault.fixture.ts";

/** A fake Turnkey that records each stamp_login, answers with a token for the new key, and can be held or made to fail. */
class FakeTurnkey implements TurnkeyApi {
  calls: { request: StampLoginRequest; stampedBy: string }[] = [];
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
    this.calls.push({ request, stampedBy: JSON.parse(utf8Decode(base64UrlDecode(stamp.stampHeaderValue))).publicKey });
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
    expect(keyPairKeys(f.store)).toHaveLength(2);
    const g = f.restart();
    expect((await g.vault.getSession(ORIGIN))?.publicKey).toBe(oldKey);
    expect(keyPairKeys(g.store)).toEqual([`keypair:${oldKey}`]);
    expect(await g.vault.stamp(ORIGIN, "{}")).toHaveProperty("stampHeaderName");
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
