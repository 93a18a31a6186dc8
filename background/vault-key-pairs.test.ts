/**
 * The vault's key-pair methods for `@turnkey/core`'s stamper (docs/api.md): `stamp` and `sign`
 * with a `publicKey`, and `deleteKeyPair`. Which keys may sign (a live session's, or a login key
 * inside its grace period, on the fixture's clock), what is refused, and how they interleave with
 * storeSession, refresh and a worker restart.
 */
import { p256 } from "@noble/curves/nist.js";
import { ApiKeyStamper, SignatureFormat } from "@turnkey/api-key-stamper";
import { fromDerSignature } from "@turnkey/crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { base64UrlDecode, bytesToHex, hexToBytes, utf8Decode, utf8Encode } from "../shared/bytes.ts";
import { refreshSessionArgs } from "../shared/validate.ts";
import { LOGIN_KEY_GRACE_MS } from "./vault.ts";
import { keyPairKeys, login, ORIGIN, OTHER_ORIGIN, tokenFor, vaultFixture, type VaultFixture } from "./vault.fixture.ts";

/** Not ASCII, so that the UTF-8 encoding of the payload matters. */
const PAYLOAD = '{"organizationId":"org-1","note":"héllo ✓"}';
const UNKNOWN_KEY = "02" + "11".repeat(32);

let f: VaultFixture;

beforeEach(async () => {
  f = await vaultFixture();
});

const verifiesDer = (hex: string, payload: string, publicKey: string) =>
  p256.verify(hexToBytes(hex), utf8Encode(payload), hexToBytes(publicKey), { format: "der", lowS: false });
const verifiesRaw = (hex: string, payload: string, publicKey: string) =>
  p256.verify(hexToBytes(hex), utf8Encode(payload), hexToBytes(publicKey), { format: "compact", lowS: false });
const stampedKey = (stampHeaderValue: string) => JSON.parse(utf8Decode(base64UrlDecode(stampHeaderValue))) as { publicKey: string; signature: string };
const storageSnapshot = () => JSON.stringify([...f.store.data]);

describe("stamp and sign with a login key pair (before any session holds it)", () => {
  it("stamps and signs, in DER and raw, verifiably over the exact UTF-8 payload", async () => {
    const publicKey = await f.vault.createApiKeyPair(ORIGIN);

    const stamp = await f.vault.stampWithPublicKey(ORIGIN, PAYLOAD, publicKey);
    expect(stamp.stampHeaderName).toBe("X-Stamp");
    const decoded = stampedKey(stamp.stampHeaderValue);
    expect(decoded.publicKey).toBe(publicKey);
    expect(verifiesDer(decoded.signature, PAYLOAD, publicKey)).toBe(true);

    const der = await f.vault.sign(ORIGIN, PAYLOAD, publicKey, "der");
    const raw = await f.vault.sign(ORIGIN, PAYLOAD, publicKey, "raw");
    expect(der).toMatch(/^30[0-9a-f]+$/);
    expect(raw).toMatch(/^[0-9a-f]{128}$/);
    expect(verifiesDer(der, PAYLOAD, publicKey)).toBe(true);
    expect(verifiesRaw(raw, PAYLOAD, publicKey)).toBe(true);
    expect(verifiesRaw(raw, PAYLOAD.replace("é", "e"), publicKey)).toBe(false);
    // Turnkey's own DER reader (what api-key-stamper's Raw format is made with) reads ours.
    expect(verifiesRaw(bytesToHex(fromDerSignature(der)), PAYLOAD, publicKey)).toBe(true);
  });

  it("returns what @turnkey/api-key-stamper's sign returns, format for format", async () => {
    const secretKey = p256.utils.randomSecretKey();
    const theirKey = bytesToHex(p256.getPublicKey(secretKey, true));
    const theirs = new ApiKeyStamper({ apiPublicKey: theirKey, apiPrivateKey: bytesToHex(secretKey) });
    const ours = await f.vault.createApiKeyPair(ORIGIN);
    for (const format of [SignatureFormat.Der, SignatureFormat.Raw]) {
      const [reference, mine] = [await theirs.sign(PAYLOAD, format), await f.vault.sign(ORIGIN, PAYLOAD, ours, format)];
      const verify = format === SignatureFormat.Der ? verifiesDer : verifiesRaw;
      expect(verify(reference, PAYLOAD, theirKey), `theirs, ${format}`).toBe(true);
      expect(verify(mine, PAYLOAD, ours), `ours, ${format}`).toBe(true);
      expect(mine).toMatch(format === SignatureFormat.Raw ? /^[0-9a-f]{128}$/ : /^[0-9a-f]+$/);
    }
  });

  it("works for 10 minutes after createApiKeyPair, then refuses with INVALID_REQUEST", async () => {
    const publicKey = await f.vault.createApiKeyPair(ORIGIN);
    f.clock.now += LOGIN_KEY_GRACE_MS - 1;
    await expect(f.vault.sign(ORIGIN, PAYLOAD, publicKey, "der")).resolves.toMatch(/^30/);
    f.clock.now += 1;
    await expect(f.vault.stampWithPublicKey(ORIGIN, PAYLOAD, publicKey)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(f.vault.sign(ORIGIN, PAYLOAD, publicKey, "raw")).rejects.toMatchObject({ code: "INVALID_REQUEST" });
  });

  it("keeps the grace period across a worker restart; after it, the start-up sweep removes the key", async () => {
    const publicKey = await f.vault.createApiKeyPair(ORIGIN);
    f.clock.now += LOGIN_KEY_GRACE_MS / 2;
    await expect(f.restart().vault.stampWithPublicKey(ORIGIN, PAYLOAD, publicKey)).resolves.toHaveProperty("stampHeaderName", "X-Stamp");
    f.clock.now += LOGIN_KEY_GRACE_MS / 2;
    const g = f.restart();
    await expect(g.vault.sign(ORIGIN, PAYLOAD, publicKey, "der")).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect(keyPairKeys(f.store)).toEqual([]);
  });
});

describe("stamp and sign with a session's key pair", () => {
  it("sign after the grace period while the session lives, SESSION_EXPIRED once it expired", async () => {
    const publicKey = await login(f); // a 900 s session
    f.clock.now += LOGIN_KEY_GRACE_MS;
    expect(verifiesRaw(await f.vault.sign(ORIGIN, PAYLOAD, publicKey, "raw"), PAYLOAD, publicKey)).toBe(true);
    expect(stampedKey((await f.vault.stampWithPublicKey(ORIGIN, PAYLOAD, publicKey)).stampHeaderValue).publicKey).toBe(publicKey);
    f.clock.now += 300_000;
    await expect(f.vault.stampWithPublicKey(ORIGIN, PAYLOAD, publicKey)).rejects.toMatchObject({ code: "SESSION_EXPIRED" });
    await expect(f.vault.sign(ORIGIN, PAYLOAD, publicKey, "der")).rejects.toMatchObject({ code: "SESSION_EXPIRED" });
  });

  it("a key that a just-stored, already short session holds follows the session, not the grace period", async () => {
    const publicKey = await f.vault.createApiKeyPair(ORIGIN);
    await f.vault.storeSession(ORIGIN, { sessionToken: tokenFor(publicKey, f.clock, 5), sessionKey: "short" });
    f.clock.now += 5_000;
    await expect(f.vault.sign(ORIGIN, PAYLOAD, publicKey, "der")).rejects.toMatchObject({ code: "SESSION_EXPIRED" });
  });
});

describe("keys that are not this origin's", () => {
  it("refuses unknown and other origins' keys alike, with INVALID_REQUEST, and changes nothing", async () => {
    const theirs = await login(f, "a", OTHER_ORIGIN);
    const before = storageSnapshot();
    const refusal = (call: Promise<unknown>) => call.then(() => ({ code: "resolved", message: "" }), (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
    const refusals = [];
    for (const publicKey of [UNKNOWN_KEY, theirs]) {
      refusals.push(await refusal(f.vault.stampWithPublicKey(ORIGIN, PAYLOAD, publicKey)));
      refusals.push(await refusal(f.vault.sign(ORIGIN, PAYLOAD, publicKey, "der")));
    }
    expect(refusals.every((refusal) => refusal.code === "INVALID_REQUEST")).toBe(true);
    // Another origin's key is refused with exactly the words an unknown key gets.
    expect(new Set(refusals.map((refusal) => refusal.message)).size).toBe(1);
    expect(storageSnapshot()).toBe(before);
  });
});

describe("deleteKeyPair", () => {
  it("deletes a login key pair that no session holds; it can sign no more", async () => {
    const kept = await f.vault.createApiKeyPair(ORIGIN);
    const abandoned = await f.vault.createApiKeyPair(ORIGIN);
    await f.vault.deleteKeyPair(ORIGIN, abandoned);
    expect(keyPairKeys(f.store)).toEqual([`keypair:${kept}`]);
    await expect(f.vault.sign(ORIGIN, PAYLOAD, abandoned, "der")).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(f.vault.storeSession(ORIGIN, { sessionToken: tokenFor(abandoned, f.clock), sessionKey: "x" })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
  });

  it("refuses a key pair that a session holds, live or expired, with INVALID_REQUEST and nothing changed", async () => {
    const publicKey = await login(f);
    const before = storageSnapshot();
    await expect(f.vault.deleteKeyPair(ORIGIN, publicKey)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    f.clock.now += 901_000;
    await expect(f.vault.deleteKeyPair(ORIGIN, publicKey)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect(storageSnapshot()).toBe(before);
  });

  it("resolves for an unknown key and for another origin's, which stays", async () => {
    const theirs = await f.vault.createApiKeyPair(OTHER_ORIGIN);
    const before = storageSnapshot();
    await expect(f.vault.deleteKeyPair(ORIGIN, UNKNOWN_KEY)).resolves.toBeUndefined();
    await expect(f.vault.deleteKeyPair(ORIGIN, theirs)).resolves.toBeUndefined();
    expect(storageSnapshot()).toBe(before);
    await expect(f.vault.sign(OTHER_ORIGIN, PAYLOAD, theirs, "der")).resolves.toMatch(/^30/);
  });

  it("refuses a key pair that a refresh in flight will store, until the refresh ends", async () => {
    await login(f);
    const next = await f.vault.createApiKeyPair(ORIGIN);
    const ticket = await f.vault.beginRefresh(ORIGIN, refreshSessionArgs([{ publicKey: next }]));
    await expect(f.vault.deleteKeyPair(ORIGIN, next)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await f.vault.finishRefresh(ticket); // failed: nothing stored
    await f.vault.deleteKeyPair(ORIGIN, next);
    expect(f.store.data.has(`keypair:${next}`)).toBe(false);
  });

  it("never leaves a session without its key pair when racing storeSession, in either order", async () => {
    for (const deleteFirst of [true, false]) {
      const publicKey = await f.vault.createApiKeyPair(ORIGIN);
      const store = () => f.vault.storeSession(ORIGIN, { sessionToken: tokenFor(publicKey, f.clock), sessionKey: `race-${deleteFirst}` });
      const remove = () => f.vault.deleteKeyPair(ORIGIN, publicKey);
      const [first, second] = await Promise.allSettled(deleteFirst ? [remove(), store()] : [store(), remove()]);
      expect(first.status).toBe("fulfilled");
      expect(second).toMatchObject({ status: "rejected", reason: { code: "INVALID_REQUEST" } });
      for (const stored of Object.values((await f.vault.getAllSessions(ORIGIN)) ?? {})) {
        expect(f.store.data.has(`keypair:${stored.publicKey}`)).toBe(true);
      }
    }
    expect(Object.keys((await f.vault.getAllSessions(ORIGIN))!)).toEqual(["race-false"]);
  });

  it("a signature that began before the delete completes; one asked for after it is refused", async () => {
    const publicKey = await f.vault.createApiKeyPair(ORIGIN);
    const [signature] = await Promise.all([f.vault.sign(ORIGIN, PAYLOAD, publicKey, "der"), f.vault.deleteKeyPair(ORIGIN, publicKey)]);
    expect(verifiesDer(signature, PAYLOAD, publicKey)).toBe(true);
    await expect(f.vault.sign(ORIGIN, PAYLOAD, publicKey, "der")).rejects.toMatchObject({ code: "INVALID_REQUEST" });
  });
});
