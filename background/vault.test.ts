import { p256 } from "@noble/curves/nist.js";
import { beforeEach, describe, expect, it } from "vitest";
import { base64UrlDecode, hexToBytes, utf8Decode, utf8Encode } from "../shared/bytes.ts";
import { LOGIN_KEY_GRACE_MS } from "./vault.ts";
import { keyPairKeys, login, ORIGIN, OTHER_ORIGIN, tokenFor, recordForgottenKeys, vaultFixture, type VaultFixture } from "./vault.fixture.ts";

const DEFAULT = "@turnkey/session/v3";
let f: VaultFixture;

beforeEach(async () => {
  f = await vaultFixture();
});

describe("key pairs", () => {
  it("creates compressed P-256 keys and never stores the private key in the clear", async () => {
    const publicKey = await f.vault.createApiKeyPair(ORIGIN);
    expect(publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    const record = f.store.data.get(`keypair:${publicKey}`) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(["ciphertext", "createdAt", "iv", "origin", "publicKey", "publicKeyY", "purpose", "v"]);
    // 32-byte key + 16-byte GCM tag: encrypted, not encoded.
    expect(base64UrlDecode(record.ciphertext as string)).toHaveLength(48);
  });

  it("stamps with the session's key, verifiably, and refuses an expired session", async () => {
    const publicKey = await login(f);
    const stamp = await f.vault.stamp(ORIGIN, '{"a":1}');
    expect(stamp.stampHeaderName).toBe("X-Stamp");
    const decoded = JSON.parse(utf8Decode(base64UrlDecode(stamp.stampHeaderValue)));
    expect(decoded.publicKey).toBe(publicKey);
    expect(p256.verify(hexToBytes(decoded.signature), utf8Encode('{"a":1}'), hexToBytes(publicKey), { format: "der", lowS: false })).toBe(true);
    f.clock.now += 901_000;
    await expect(f.vault.stamp(ORIGIN, "{}")).rejects.toMatchObject({ code: "SESSION_EXPIRED" });
  });

  it("will not decrypt a key pair record moved to another origin", async () => {
    const publicKey = await login(f);
    const record = f.store.data.get(`keypair:${publicKey}`) as Record<string, unknown>;
    f.store.data.set(`keypair:${publicKey}`, { ...record, origin: OTHER_ORIGIN });
    const g = f.restart();
    await g.vault.storeSession(OTHER_ORIGIN, { sessionToken: tokenFor(publicKey, f.clock), sessionKey: DEFAULT });
    await expect(g.vault.stamp(OTHER_ORIGIN, "{}")).rejects.toThrow();
  });
});

describe("sessions", () => {
  it("stores a session, makes it active and announces it", async () => {
    const publicKey = await login(f);
    const session = await f.vault.getSession(ORIGIN);
    expect(session).toMatchObject({ publicKey, userId: "user-1", organizationId: "org-1", expirationSeconds: "900" });
    expect(await f.vault.getActiveSessionKey(ORIGIN)).toBe(DEFAULT);
    expect(f.events).toEqual([{ origin: ORIGIN, event: { type: "sessionStored", detail: { sessionKey: DEFAULT, session } } }]);
  });

  it("refuses a token whose key pair this origin does not hold", async () => {
    const theirs = await f.vault.createApiKeyPair(OTHER_ORIGIN);
    await expect(f.vault.storeSession(ORIGIN, { sessionToken: tokenFor(theirs, f.clock), sessionKey: DEFAULT })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(f.vault.storeSession(ORIGIN, { sessionToken: tokenFor("02" + "11".repeat(32), f.clock), sessionKey: DEFAULT })).rejects.toMatchObject({
      code: "INVALID_REQUEST",
    });
    expect(await f.vault.getAllSessions(ORIGIN)).toBeUndefined();
  });

  it("keeps origins apart", async () => {
    await login(f);
    expect(await f.vault.getSession(OTHER_ORIGIN)).toBeUndefined();
    expect(await f.vault.getAllSessions(OTHER_ORIGIN)).toBeUndefined();
    await expect(f.vault.stamp(OTHER_ORIGIN, "{}")).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
    await f.vault.clearAllSessions(OTHER_ORIGIN);
    expect(await f.vault.getSession(ORIGIN)).toBeDefined();
  });

  it("switches, clears and logs out, deleting each session's key pair", async () => {
    const a = await login(f, "a");
    const b = await login(f, "b");
    expect(Object.keys((await f.vault.getAllSessions(ORIGIN))!)).toEqual(["a", "b"]);
    await f.vault.setActiveSession(ORIGIN, "a");
    await expect(f.vault.setActiveSession(ORIGIN, "zzz")).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
    await f.vault.logout(ORIGIN);
    expect(await f.vault.getActiveSessionKey(ORIGIN)).toBeUndefined();
    expect(keyPairKeys(f.store)).toEqual([`keypair:${b}`]);
    expect(f.store.data.has(`keypair:${a}`)).toBe(false);
    await f.vault.clearSession(ORIGIN, "b");
    expect(keyPairKeys(f.store)).toEqual([]);
    expect([...f.store.data.keys()]).toEqual(["schema"]);
    await f.vault.clearSession(ORIGIN, "b"); // nothing to do: resolves
  });

  it("announces a switch of the active session once, only when it changes", async () => {
    await login(f, "a");
    await login(f, "b");
    f.events.length = 0;
    await f.vault.setActiveSession(ORIGIN, "a");
    await f.vault.setActiveSession(ORIGIN, "a");
    await expect(f.vault.setActiveSession(ORIGIN, "zzz")).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
    expect(f.events).toEqual([{ origin: ORIGIN, event: { type: "activeSessionChanged", detail: { sessionKey: "a" } } }]);
    expect(await f.vault.getActiveSessionKey(ORIGIN)).toBe("a");
  });

  it("clearAllSessions removes every session and key pair of the origin only", async () => {
    await login(f, "a");
    await f.vault.createApiKeyPair(ORIGIN);
    const other = await login(f, "a", OTHER_ORIGIN);
    await f.vault.clearAllSessions(ORIGIN);
    expect(keyPairKeys(f.store)).toEqual([`keypair:${other}`]);
    expect(f.events.filter((e) => e.event.type === "sessionCleared")).toEqual([{ origin: ORIGIN, event: { type: "sessionCleared", detail: { sessionKey: "a" } } }]);
  });

  it("clearUnusedKeyPairs spares a login in progress, then sweeps it", async () => {
    await login(f);
    const pending = await f.vault.createApiKeyPair(ORIGIN);
    await f.vault.clearUnusedKeyPairs(ORIGIN);
    expect(f.store.data.has(`keypair:${pending}`)).toBe(true);
    f.clock.now += LOGIN_KEY_GRACE_MS;
    await f.vault.clearUnusedKeyPairs(ORIGIN);
    expect(f.store.data.has(`keypair:${pending}`)).toBe(false);
    expect(keyPairKeys(f.store)).toHaveLength(1);
  });

  it("survives a restart and skips records it cannot read", async () => {
    const publicKey = await login(f);
    f.store.data.set("origin:https://broken.test", { v: 1, sessions: "nope" });
    f.store.data.set("keypair:junk", 42);
    const g = f.restart();
    expect((await g.vault.getSession(ORIGIN))?.publicKey).toBe(publicKey);
    expect(await g.vault.stamp(ORIGIN, "{}")).toHaveProperty("stampHeaderName", "X-Stamp");
    expect(g.reports).toHaveLength(2);
  });

  it("changes nothing when storage fails", async () => {
    await login(f);
    const before = JSON.stringify([...f.store.data]);
    f.store.failNextWrite();
    await expect(f.vault.clearSession(ORIGIN, DEFAULT)).rejects.toThrow();
    expect(JSON.stringify([...f.store.data])).toBe(before);
    expect(await f.vault.getSession(ORIGIN)).toBeDefined();
  });

  it("a createApiKeyPair whose write fails stores nothing and keeps no signing key of it in memory", async () => {
    const { forgotten, restore } = recordForgottenKeys();
    try {
      await f.vault.getSession(ORIGIN); // the first read writes the storage format; fail the key pair's write
      f.store.failNextWrite();
      await expect(f.vault.createApiKeyPair(ORIGIN)).rejects.toThrow("storage write failed");
      expect(keyPairKeys(f.store)).toEqual([]);
      expect(forgotten).toHaveLength(1);
      expect(forgotten[0]).toMatch(/^0[23][0-9a-f]{64}$/);
    } finally {
      restore();
    }
  });
});

describe("quotas and the stored format", () => {
  it("limits the key pairs and sessions one origin may hold, with FORBIDDEN", async () => {
    for (let i = 0; i < 32; i++) await login(f, `s${i}`);
    await expect(login(f, "one-more")).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("32 sessions") });
    for (let i = 33; i < 64; i++) await f.vault.createApiKeyPair(ORIGIN);
    await expect(f.vault.createApiKeyPair(ORIGIN)).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("64 key pairs") });
    // Another origin is not affected.
    await expect(login(f, "a", OTHER_ORIGIN)).resolves.toMatch(/^0[23]/);
  });

  it("marks storage with its format version and refuses data from a newer vault", async () => {
    await login(f);
    expect(f.store.data.get("schema")).toEqual({ version: 1 });
    f.store.data.set("schema", { version: 2 });
    await expect(f.restart().vault.getSession(ORIGIN)).rejects.toMatchObject({ code: "API_KEY_STORAGE_UNAVAILABLE" });
  });
});

describe("origins", () => {
  it("treats http:// and https:// of one host as two vaults", async () => {
    await login(f, "@turnkey/session/v3", "https://a.test");
    expect(await f.vault.getSession("http://a.test")).toBeUndefined();
    await expect(f.vault.stamp("http://a.test", "{}")).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
    await expect(f.vault.setActiveSession("https://a.test", "__proto__")).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
  });
});
