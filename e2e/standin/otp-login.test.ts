/**
 * OTP login through the auth proxy, step by step as `@turnkey/core`'s `initOtp`, `verifyOtp`
 * and `loginWithOtp` run it (`__clients__/core.mjs`), on core's own `TurnkeySDKClientBase` and
 * `AttestedStamper`, `@turnkey/crypto`'s HPKE `encryptOtpCodeToBundle` and its
 * `verifyOtpVerificationToken`, and `@turnkey/api-key-stamper`'s `sign` for the attested
 * signature. Also the auth proxy's own `otp_login_v2` with a client signature.
 */
import { p256 } from "@noble/curves/nist.js";
import { SignatureFormat } from "@turnkey/api-key-stamper";
import { decodeVerificationToken, getClientSignatureMessageForLogin, OtpType, StamperType } from "@turnkey/core";
import type { AttestedStamper as AttestedStamperType } from "@turnkey/core/dist/__stampers__/attested/base.js";
// @ts-expect-error -- core ships no .d.mts; typed by the import above.
import { AttestedScheme, AttestedStamper } from "@turnkey/core/dist/__stampers__/attested/base.mjs";
import { encryptOtpCodeToBundle, verifyOtpVerificationToken, verifySessionJwtSignature } from "@turnkey/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { apiKeyStamper, coreHttpClient, expectTurnkeyError, jwtClaims, type KeyPair, newKeyPair } from "./testing.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const UNAUTHENTICATED = 16;

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

/** Core's attested stamper over an api-key stamper that signs with whichever key it is asked for, as core's does. */
function attestedStamper(keys: KeyPair[]): AttestedStamperType {
  const byPublicKey = new Map(keys.map((key) => [key.publicKey, apiKeyStamper(key)]));
  return new AttestedStamper({
    sign: (payload: string, format: SignatureFormat, publicKey: string) => byPublicKey.get(publicKey)!.sign(payload, format),
  }) as AttestedStamperType;
}

/** A dApp with an auth proxy configuration and one end user with an email address. */
function dapp(email = `user-${crypto.randomUUID().slice(0, 8)}@example.com`) {
  const proxy = standin.createAuthProxyConfig();
  const { organizationId, userId } = standin.createSubOrganization({ parentOrganizationId: proxy.organizationId, userEmail: email });
  const sessionKey = newKeyPair();
  const attested = attestedStamper([sessionKey]);
  const client = coreHttpClient(standin, { organizationId: proxy.organizationId, authProxyUrl: proxy.authProxyUrl, authProxyConfigId: proxy.authProxyConfigId, attestedStamper: attested });
  return { ...proxy, email, subOrganizationId: organizationId, userId, sessionKey, attested, client };
}

/** core's `initOtp` then `verifyOtp`, with the stand-in's signer key given to `encryptOtpCodeToBundle`. */
async function verifiedToken(app: ReturnType<typeof dapp>, code?: string) {
  const { otpId, otpEncryptionTargetBundle } = await app.client.proxyInitOtpV2({ otpType: OtpType.Email, contact: app.email });
  const sent = standin.sentOtps(app.email).at(-1)!;
  const encryptedOtpBundle = await encryptOtpCodeToBundle(code ?? sent.code, otpEncryptionTargetBundle, app.sessionKey.publicKey, standin.otpSignerPublicKey);
  const { verificationToken } = await app.client.proxyVerifyOtpV2({ otpId, encryptedOtpBundle });
  return verificationToken;
}

/** core's `loginWithOtp`: the attested stamper set to the token and its key, then stamp_login with it. */
async function loginWithOtp(app: ReturnType<typeof dapp>, verificationToken: string, organizationId?: string) {
  const { public_key: publicKey } = decodeVerificationToken(verificationToken);
  app.attested.configure({ attestedIdentity: verificationToken, publicKey, scheme: AttestedScheme.P256_VERIFICATION_TOKEN });
  return (await app.client.stampLogin(
    { publicKey, expirationSeconds: "900", invalidateExisting: false, ...(organizationId ? { organizationId } : {}) },
    StamperType.Attested,
  )) as { session: string };
}

describe("initOtp → verifyOtp → loginWithOtp", () => {
  it("sends a code, verifies it for the client's key and logs the user in with an attested stamp", async () => {
    const app = dapp();

    const verificationToken = await verifiedToken(app);
    const claims = await verifyOtpVerificationToken(verificationToken, standin.otpSignerPublicKey);
    const { session } = await loginWithOtp(app, verificationToken);

    expect(standin.sentOtps(app.email)).toEqual([expect.objectContaining({ otpType: "OTP_TYPE_EMAIL", contact: app.email, code: expect.stringMatching(/^[0-9]{6}$/) })]);
    expect(claims).toMatchObject({ contact: app.email, verification_type: "OTP_TYPE_EMAIL", organization_id: app.organizationId, public_key: app.sessionKey.publicKey });
    expect(Number(claims.exp)).toBeGreaterThan(Date.now());
    await expect(verifySessionJwtSignature(session, standin.notarizerPublicKey)).resolves.toBe(true);
    expect(jwtClaims(session)).toMatchObject({ public_key: app.sessionKey.publicKey, user_id: app.userId, organization_id: app.subOrganizationId });
    const request = standin.requests({ path: STAMP_LOGIN }).at(-1)!;
    expect(request.headers["x-stamp-attested"]).toBeDefined();
    expect(JSON.parse(request.rawBody)).toMatchObject({ organizationId: app.organizationId });
    expect(request.verifiedStamp).toEqual({ stamper: "attested", publicKey: app.sessionKey.publicKey, verificationTokenId: claims.id, userId: app.userId });

    const sessionClient = coreHttpClient(standin, { organizationId: app.organizationId, apiKeyStamper: apiKeyStamper(app.sessionKey) });
    await expect(sessionClient.getWhoami({ organizationId: app.subOrganizationId })).resolves.toMatchObject({ userId: app.userId });
  });

  it("logs in at the user's sub-organization too (as completeOtp does), and a token only once", async () => {
    const app = dapp();
    const verificationToken = await verifiedToken(app);

    const account = await app.client.proxyGetAccount({ filterType: "EMAIL", filterValue: app.email, verificationToken });
    await loginWithOtp(app, verificationToken, account.organizationId);

    expect(account).toEqual({ organizationId: app.subOrganizationId });
    await expectTurnkeyError(loginWithOtp(app, verificationToken), UNAUTHENTICATED, "verification token has already been used");
    expect(standin.apiKeys(app.userId)).toHaveLength(1);
  });

  it("refuses a wrong code (core maps the message to INVALID_OTP_CODE), then the code after 3 tries", async () => {
    const app = dapp();
    const { otpId, otpEncryptionTargetBundle } = await app.client.proxyInitOtpV2({ otpType: OtpType.Email, contact: app.email });
    const { code } = standin.sentOtps(app.email).at(-1)!;
    const wrong = code === "000000" ? "000001" : "000000";
    const attempt = async (guess: string) =>
      app.client.proxyVerifyOtpV2({ otpId, encryptedOtpBundle: await encryptOtpCodeToBundle(guess, otpEncryptionTargetBundle, app.sessionKey.publicKey, standin.otpSignerPublicKey) });

    for (let i = 0; i < 3; i++) await expectTurnkeyError(attempt(wrong), 3, "Invalid OTP code");
    await expectTurnkeyError(attempt(code), 3, "Max number of OTP attempts reached");
  });

  it("binds the token to the key in the encrypted bundle: another key's attested stamp is refused", async () => {
    const app = dapp();
    const verificationToken = await verifiedToken(app);
    const intruder = newKeyPair();
    const attested = attestedStamper([intruder]);
    attested.configure({ attestedIdentity: verificationToken, publicKey: intruder.publicKey, scheme: AttestedScheme.P256_VERIFICATION_TOKEN });
    const client = coreHttpClient(standin, { organizationId: app.organizationId, attestedStamper: attested });

    await expectTurnkeyError(
      client.stampLogin({ publicKey: intruder.publicKey, expirationSeconds: "900" }, StamperType.Attested),
      UNAUTHENTICATED,
      "attested public key does not match the verification token's public key",
    );
    expect(standin.apiKeys(app.userId)).toEqual([]);
  });

  it("refuses a forged token, a tampered body, and an attested stamp outside stamp_login", async () => {
    const app = dapp();
    const verificationToken = await verifiedToken(app);
    const [header, payload] = verificationToken.split(".");
    const forged = `${header}.${payload}.${Buffer.from(p256.sign(new Uint8Array(32), p256.utils.randomSecretKey(), { prehash: false })).toString("base64url")}`;

    await expectTurnkeyError(loginWithOtp(app, forged), UNAUTHENTICATED, "invalid verification token");
    app.attested.configure({ attestedIdentity: verificationToken, publicKey: app.sessionKey.publicKey, scheme: AttestedScheme.P256_VERIFICATION_TOKEN });
    const signed = await app.client.stampStampLogin({ publicKey: app.sessionKey.publicKey, organizationId: app.organizationId, expirationSeconds: "900" }, StamperType.Attested);
    await expectTurnkeyError(app.client.sendSignedRequest({ ...signed!, body: signed!.body.replace('"900"', '"901"') }), UNAUTHENTICATED, "could not verify api key signature");
    await expectTurnkeyError(app.client.getWhoami({ organizationId: app.subOrganizationId }, StamperType.Attested), UNAUTHENTICATED, "attested stamps authenticate login requests only");
    expect(standin.apiKeys(app.userId)).toEqual([]);
    await expect(loginWithOtp(app, verificationToken)).resolves.toHaveProperty("session");
  });

  it("refuses a token at another dApp's organization, and an email no user has", async () => {
    const app = dapp();
    const other = dapp();
    const verificationToken = await verifiedToken(app);

    await expectTurnkeyError(loginWithOtp(app, verificationToken, other.subOrganizationId), UNAUTHENTICATED, "verification token is not valid for organization");
    // A code sent to an address no user of the dApp has verifies, but logs no one in.
    const lonely = { ...dapp(), email: "nobody@example.com" };
    await expectTurnkeyError(loginWithOtp(lonely, await verifiedToken(lonely)), 5, "no user found with the verified contact");
  });

  it("makes core's verifyOtp refuse the bundle when it checks Turnkey's production key, as core 2.8.1 does", async () => {
    const app = dapp();
    const { otpEncryptionTargetBundle } = await app.client.proxyInitOtpV2({ otpType: OtpType.Email, contact: app.email });

    await expect(encryptOtpCodeToBundle("123456", otpEncryptionTargetBundle, app.sessionKey.publicKey)).rejects.toThrow("does not match signer key from bundle");
  });
});

describe("otp_login_v2 (the auth proxy's login with a client signature)", () => {
  it("gives a session for the token's user when the token's key signs the login message", async () => {
    const app = dapp();
    const verificationToken = await verifiedToken(app);
    const { message } = getClientSignatureMessageForLogin({ verificationToken });
    const signature = await apiKeyStamper(app.sessionKey).sign(message, SignatureFormat.Raw);
    const clientSignature = { publicKey: app.sessionKey.publicKey, scheme: "CLIENT_SIGNATURE_SCHEME_API_P256" as const, message, signature };

    const { session } = await app.client.proxyOtpLoginV2({ verificationToken, publicKey: app.sessionKey.publicKey, clientSignature });

    expect(jwtClaims(session)).toMatchObject({ public_key: app.sessionKey.publicKey, user_id: app.userId, organization_id: app.subOrganizationId });
    await expectTurnkeyError(app.client.proxyOtpLoginV2({ verificationToken, publicKey: app.sessionKey.publicKey, clientSignature }), UNAUTHENTICATED, "already been used");
  });

  it("refuses a signature by another key or over another login", async () => {
    const app = dapp();
    const verificationToken = await verifiedToken(app);
    const other = newKeyPair();
    const { message } = getClientSignatureMessageForLogin({ verificationToken });
    const { message: otherMessage } = getClientSignatureMessageForLogin({ verificationToken, sessionPublicKey: other.publicKey });
    const sign = (key: KeyPair, text: string) => apiKeyStamper(key).sign(text, SignatureFormat.Raw);
    const attempt = async (publicKey: string, text: string, signer: KeyPair) =>
      app.client.proxyOtpLoginV2({ verificationToken, publicKey, clientSignature: { publicKey: app.sessionKey.publicKey, scheme: "CLIENT_SIGNATURE_SCHEME_API_P256", message: text, signature: await sign(signer, text) } });

    await expectTurnkeyError(attempt(app.sessionKey.publicKey, message, other), UNAUTHENTICATED, "signature does not verify");
    await expectTurnkeyError(attempt(app.sessionKey.publicKey, otherMessage, app.sessionKey), UNAUTHENTICATED, "message does not describe this request");
    expect(standin.apiKeys(app.userId)).toEqual([]);
  });
});

describe("auth proxy plumbing", () => {
  it("refuses a missing or unknown configuration id, and malformed OTP requests", async () => {
    const app = dapp();
    const init = (configId: string | undefined, body: unknown) =>
      fetch(`${standin.authProxyUrl}/v1/otp_init_v2`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(configId ? { "X-Auth-Proxy-Config-ID": configId } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));

    await expect(init(undefined, { otpType: "OTP_TYPE_EMAIL", contact: app.email })).resolves.toMatchObject({ status: 401, json: { code: UNAUTHENTICATED } });
    await expect(init(crypto.randomUUID(), { otpType: "OTP_TYPE_EMAIL", contact: app.email })).resolves.toMatchObject({ status: 401 });
    await expect(init(app.authProxyConfigId, { otpType: "OTP_TYPE_EMAIL", contact: "not-an-email" })).resolves.toMatchObject({ status: 400, json: { message: "contact must be an email address" } });
    await expect(init(app.authProxyConfigId, { otpType: "OTP_TYPE_PIGEON", contact: app.email })).resolves.toMatchObject({ status: 400 });
    await expectTurnkeyError(app.client.proxyVerifyOtpV2({ otpId: crypto.randomUUID(), encryptedOtpBundle: "{}" }), 5, "OTP not found");
    expect(standin.sentOtps(app.email)).toEqual([]);
    expect(standin.requests({ path: "/auth-proxy/v1/otp_init_v2" }).slice(-4).map((r) => r.status)).toEqual([401, 401, 400, 400]);
  });

  it("answers an account lookup by email only with a token for that email", async () => {
    const app = dapp();
    const verificationToken = await verifiedToken(app);

    await expectTurnkeyError(app.client.proxyGetAccount({ filterType: "EMAIL", filterValue: app.email }), UNAUTHENTICATED, "verification token");
    await expectTurnkeyError(app.client.proxyGetAccount({ filterType: "EMAIL", filterValue: "else@example.com", verificationToken }), UNAUTHENTICATED, "verification token");
    await expect(app.client.proxyGetAccount({ filterType: "PUBLIC_KEY", filterValue: newKeyPair().publicKey })).resolves.toEqual({});
  });

  it("answers the wallet kit configuration", async () => {
    const app = dapp();

    await expect(app.client.proxyGetWalletKitConfig({})).resolves.toEqual({
      enabledProviders: ["email", "sms", "passkey", "wallet"],
      sessionExpirationSeconds: "900",
      organizationId: app.organizationId,
      otpAlphanumeric: false,
      otpLength: "6",
    });
  });

  it("allows the headers core's auth proxy calls and attested stamps send, cross-origin", async () => {
    const response = await fetch(`${standin.authProxyUrl}/v1/otp_init_v2`, {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-auth-proxy-config-id,x-captcha-token" },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(["content-type", "x-auth-proxy-config-id", "x-captcha-token", "x-stamp-attested"]),
    );
  });
});
