/**
 * Passkey stamps (`X-Stamp-Webauthn`): Turnkey's own `WebauthnStamper`, given a software
 * authenticator for `navigator.credentials.get`, authenticates whoami and stamp_login; every
 * check of the assertion (signature, type, challenge, origin, RP ID, UP, UV, counter, credential
 * and organization) refuses a stamp that fails it.
 */
import { TurnkeyClient } from "@turnkey/http";
import { WebauthnStamper } from "@turnkey/webauthn-stamper";
import { p256 } from "@noble/curves/nist.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { expectTurnkeyError, FLAG_UP, jwtClaims, newKeyPair, post, softwarePasskey, stampLoginBody } from "./testing.ts";

const ORIGIN = "http://localhost:5173";
const WHOAMI = "/public/v1/query/whoami";
const UNAUTHENTICATED = 16;

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());
afterEach(() => vi.unstubAllGlobals());

/** A user with a session key and a passkey registered at the stand-in; the passkey answers `navigator.credentials.get`. */
function userWithPasskey(options: { requireUserVerification?: boolean; origin?: string } = {}) {
  const { organizationId, userId } = standin.mint({ publicKey: newKeyPair().publicKey });
  const passkey = softwarePasskey(options.origin ?? ORIGIN);
  standin.registerCredential({
    type: "passkey",
    userId,
    credentialId: passkey.credentialId,
    publicKey: passkey.publicKey,
    origin: options.origin ?? ORIGIN,
    ...(options.requireUserVerification ? { requireUserVerification: true } : {}),
  });
  vi.stubGlobal("navigator", { credentials: { get: passkey.get } });
  const client = new TurnkeyClient({ baseUrl: standin.url }, new WebauthnStamper({ rpId: "localhost" }));
  return { organizationId, userId, passkey, client };
}

describe("passkey stamps from Turnkey's WebauthnStamper", () => {
  it("authenticate whoami and stamp_login, and the request log names the passkey", async () => {
    const { organizationId, userId, passkey, client } = userWithPasskey({ requireUserVerification: true });

    await expect(client.getWhoami({ organizationId })).resolves.toMatchObject({ organizationId, userId });
    const newKey = newKeyPair();
    const { activity } = await client.stampLogin(stampLoginBody(organizationId, { publicKey: newKey.publicKey }));

    const session = activity.result.stampLoginResult?.session ?? "";
    expect(jwtClaims(session)).toMatchObject({ public_key: newKey.publicKey, user_id: userId });
    const [whoami] = standin.requests({ path: WHOAMI }).slice(-1);
    expect(whoami!.headers["x-stamp-webauthn"]).toBeDefined();
    expect(whoami!.verifiedStamp).toEqual({ stamper: "passkey", credentialId: passkey.credentialId, publicKey: passkey.publicKey, userId });
  });

  it("refuses an assertion that fails any check", async () => {
    const { organizationId, passkey, client } = userWithPasskey({ requireUserVerification: true });
    const cases: [string, typeof passkey.tweaks, string][] = [
      ["another key's signature", { signingKey: p256.utils.randomSecretKey() }, "signature does not match"],
      ["a registration's client data", { type: "webauthn.create" }, 'type is "webauthn.create"'],
      ["another challenge", { challenge: new TextEncoder().encode("0".repeat(64)) }, "challenge is not hex(sha256(body))"],
      ["another origin", { origin: "http://localhost:6666" }, "origin \"http://localhost:6666\" is not the credential's"],
      ["another RP ID", { rpId: "evil.test" }, "RP ID hash is not that of localhost"],
      ["no user presence", { flags: 0x04 }, "user presence (UP) flag not set"],
      ["no user verification where it is required", { flags: FLAG_UP }, "user verification (UV) required"],
      ["a counter that went back", { signCount: 1 }, "signature counter 1 did not increase"],
    ];
    await client.getWhoami({ organizationId }); // counter 1
    await client.getWhoami({ organizationId }); // counter 2
    for (const [label, tweaks, message] of cases) {
      passkey.tweaks = tweaks;
      const error = await expectTurnkeyError(client.getWhoami({ organizationId }), UNAUTHENTICATED, "could not verify webauthn stamp");
      expect(error.message, label).toContain(message);
    }
    await expect(client.getWhoami({ organizationId })).resolves.toBeDefined(); // the passkey itself still works
  });

  it("accepts user presence alone when the credential does not require verification", async () => {
    const { organizationId, passkey, client } = userWithPasskey();
    passkey.tweaks = { flags: FLAG_UP };
    await expect(client.getWhoami({ organizationId })).resolves.toBeDefined();
  });

  it("refuses a body changed after stamping, and a replayed stamp", async () => {
    const { organizationId, client } = userWithPasskey();
    const signed = await client.stampGetWhoami({ organizationId });
    const tampered = signed.body.replace("{", '{"extra":1,');
    const send = (body: string) =>
      fetch(standin.url + WHOAMI, { method: "POST", body, headers: { "X-Stamp-Webauthn": signed.stamp.stampHeaderValue } }).then(async (r) => ({ status: r.status, json: await r.json() }));

    expect(await send(tampered)).toMatchObject({ status: 401, json: { message: "could not verify webauthn stamp: challenge is not hex(sha256(body))" } });
    expect(await send(signed.body)).toMatchObject({ status: 200 });
    expect(await send(signed.body)).toMatchObject({ status: 401, json: { message: expect.stringContaining("did not increase") } });
  });

  it("refuses an unknown credential, or one of a user in another organization", async () => {
    const { organizationId } = userWithPasskey();
    const other = userWithPasskey(); // its passkey is now the one navigator answers with
    await expectTurnkeyError(other.client.getWhoami({ organizationId }), UNAUTHENTICATED, "could not find authenticator in organization");
    vi.stubGlobal("navigator", { credentials: { get: softwarePasskey(ORIGIN).get } });
    await expectTurnkeyError(other.client.getWhoami({ organizationId: other.organizationId }), UNAUTHENTICATED, "could not find authenticator in organization");
  });

  it("refuses a malformed stamp header, and a request with two stamps", async () => {
    const { organizationId, client } = userWithPasskey();
    const body = JSON.stringify({ organizationId });
    for (const header of ["not json", "[]", JSON.stringify({ authenticatorData: "***", clientDataJson: "a", credentialId: "b", signature: "c" })]) {
      const response = await fetch(standin.url + WHOAMI, { method: "POST", body, headers: { "X-Stamp-Webauthn": header } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: UNAUTHENTICATED, message: "malformed webauthn stamp" });
    }
    const { stamp } = await client.stampGetWhoami({ organizationId });
    const both = await fetch(standin.url + WHOAMI, { method: "POST", body, headers: { "X-Stamp-Webauthn": stamp.stampHeaderValue, "X-Stamp": "e30" } });
    expect(await both.json()).toMatchObject({ message: "more than one stamp header (X-Stamp and X-Stamp-Webauthn)" });
  });
});

describe("registering passkeys", () => {
  it("takes SEC1 or SPKI public keys over HTTP and checks the options", async () => {
    const { userId, organizationId } = standin.mint({ publicKey: newKeyPair().publicKey });
    const passkey = softwarePasskey(ORIGIN);
    const spki = "3059301306072a8648ce3d020106082a8648ce3d030107034200" + passkey.publicKey;
    const register = (options: unknown) => post(standin, "/__standin/credentials", JSON.stringify(options));

    expect(await register({ type: "passkey", userId, credentialId: passkey.credentialId, publicKey: spki, origin: ORIGIN })).toMatchObject({ status: 200, json: { ok: true } });
    vi.stubGlobal("navigator", { credentials: { get: passkey.get } });
    await expect(new TurnkeyClient({ baseUrl: standin.url }, new WebauthnStamper({ rpId: "localhost" })).getWhoami({ organizationId })).resolves.toMatchObject({ userId });

    const good = { type: "passkey", userId, credentialId: passkey.credentialId, publicKey: passkey.publicKey, origin: ORIGIN };
    for (const bad of [
      { ...good, userId: crypto.randomUUID() },
      { ...good, publicKey: "02" + "ff".repeat(32) },
      { ...good, origin: "http://localhost:5173/path" },
      { ...good, credentialId: "not base64url!" },
      { ...good, requireUserVerification: "yes" },
      { ...good, extra: 1 },
      { ...good, type: "password" },
    ]) {
      expect(await register(bad), JSON.stringify(bad)).toMatchObject({ status: 400, json: { message: expect.stringContaining("invalid credential") } });
    }
  });
});
