/**
 * `proxySignupV2` as `@turnkey/core`'s sign-up flows call it, with bodies from core's own
 * `buildSignUpBody` and client signatures over core's `getClientSignatureMessageForSignup`:
 * passkey sign-up (a 60-second key A signs the first `stamp_login` for key B, then the passkey
 * logs in at the parent), wallet sign-up (`loginOrSignupWithWallet`), OTP sign-up
 * (`signUpWithOtp`), and the refusals that leave nothing behind.
 */
import { p256 } from "@noble/curves/nist.js";
import { SignatureFormat } from "@turnkey/api-key-stamper";
import { getClientSignatureMessageForSignup, OtpType, StamperType } from "@turnkey/core";
import type { buildSignUpBody as BuildSignUpBody } from "@turnkey/core/dist/utils.js";
// @ts-expect-error -- core ships no .d.mts; typed by the import above.
import { buildSignUpBody as buildSignUpBodyUntyped } from "@turnkey/core/dist/utils.mjs";
import { encryptOtpCodeToBundle } from "@turnkey/crypto";
import { WalletStamper } from "@turnkey/wallet-stamper";
import { WebauthnStamper } from "@turnkey/webauthn-stamper";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { apiKeyStamper, coreHttpClient, ethereumWallet, expectTurnkeyError, jwtClaims, newKeyPair, softwarePasskey } from "./testing.ts";

const buildSignUpBody = buildSignUpBodyUntyped as typeof BuildSignUpBody;
const ORIGIN = "http://localhost:5173";

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());
afterEach(() => vi.unstubAllGlobals());

function dapp() {
  const proxy = standin.createAuthProxyConfig();
  const client = (stampers: Omit<Parameters<typeof coreHttpClient>[1], "organizationId"> = {}) =>
    coreHttpClient(standin, { organizationId: proxy.organizationId, authProxyUrl: proxy.authProxyUrl, authProxyConfigId: proxy.authProxyConfigId, ...stampers });
  return { ...proxy, client };
}

describe("signUpWithPasskey", () => {
  it("creates the sub-organization with the passkey and a 60-second key that signs the first login", async () => {
    const app = dapp();
    const passkey = softwarePasskey(ORIGIN);
    const keyA = newKeyPair();
    const keyB = newKeyPair();
    const challenge = Buffer.from("a challenge of core's").toString("base64url");
    const body = buildSignUpBody({
      createSubOrgParams: {
        authenticators: [{ authenticatorName: "laptop", challenge, attestation: passkey.attest(challenge) }],
        apiKeys: [{ apiKeyName: `passkey-auth-${keyA.publicKey}`, publicKey: keyA.publicKey, curveType: "API_KEY_CURVE_P256", expirationSeconds: "60" }],
      },
    });

    const res = await app.client().proxySignupV2(body);
    const { session } = await app.client({ apiKeyStamper: apiKeyStamper(keyA) }).stampLogin({ publicKey: keyB.publicKey, organizationId: res.organizationId, expirationSeconds: "900" });

    expect(res).toEqual({ organizationId: expect.any(String), userId: expect.any(String), appProofs: [] });
    expect(jwtClaims(session)).toMatchObject({ public_key: keyB.publicKey, user_id: res.userId, organization_id: res.organizationId });
    const [a] = standin.apiKeys(res.userId);
    expect(a).toMatchObject({ publicKey: keyA.publicKey });
    expect(a!.expiresAt! - a!.createdAt).toBe(60_000);
    const { user } = await app.client({ apiKeyStamper: apiKeyStamper(keyB) }).getUser({ organizationId: res.organizationId, userId: res.userId });
    expect(user.authenticators).toEqual([
      expect.objectContaining({ credentialId: passkey.credentialId, authenticatorName: "laptop", credential: { publicKey: passkey.publicKey, type: "CREDENTIAL_TYPE_WEBAUTHN_AUTHENTICATOR" } }),
    ]);

    // The registered key is the attested one: the passkey now logs in at the parent organization.
    vi.stubGlobal("navigator", { credentials: { get: passkey.get } });
    const passkeyClient = app.client({ passkeyStamper: new WebauthnStamper({ rpId: "localhost" }) });
    const login = await passkeyClient.stampStampLogin({ publicKey: newKeyPair().publicKey, organizationId: app.organizationId, expirationSeconds: "900" }, StamperType.Passkey);
    await expect(passkeyClient.sendSignedRequest(login!)).resolves.toMatchObject({ session: expect.any(String) });
  });

  it("accepts packed self-attestation and refuses bad attestations, creating nothing", async () => {
    const app = dapp();
    const challenge = Buffer.from("challenge").toString("base64url");
    const signUp = (attestation: ReturnType<ReturnType<typeof softwarePasskey>["attest"]>, authenticatorChallenge = challenge) =>
      app.client().proxySignupV2(buildSignUpBody({ createSubOrgParams: { userEmail: "pk@example.com", authenticators: [{ authenticatorName: "pk", challenge: authenticatorChallenge, attestation }] } }));
    const passkey = softwarePasskey(ORIGIN);

    await expectTurnkeyError(signUp(passkey.attest(challenge), Buffer.from("other").toString("base64url")), 3, "clientDataJson challenge is not the authenticator's challenge");
    await expectTurnkeyError(signUp(passkey.attest(challenge, { type: "webauthn.get" })), 3, 'not "webauthn.create"');
    await expectTurnkeyError(signUp(passkey.attest(challenge, { rpId: "evil.example" })), 3, "RP ID hash is not that of localhost");
    await expectTurnkeyError(signUp({ ...passkey.attest(challenge), credentialId: softwarePasskey(ORIGIN).credentialId }), 3, "credentialId is not the attested credential's");
    await expectTurnkeyError(signUp(passkey.attest(challenge, { fmt: "packed", signingKey: p256.utils.randomSecretKey() })), 3, "self-attestation signature does not verify");
    await expectTurnkeyError(signUp(passkey.attest(challenge, { fmt: "tpm" })), 12, 'does not verify "tpm" attestations');
    await expect(app.client().proxyGetAccount({ filterType: "CREDENTIAL_ID", filterValue: passkey.credentialId })).resolves.toEqual({});

    const res = await signUp(passkey.attest(challenge, { fmt: "packed" }));
    await expect(app.client().proxyGetAccount({ filterType: "CREDENTIAL_ID", filterValue: passkey.credentialId })).resolves.toEqual({ organizationId: res.organizationId });
  });
});

describe("loginOrSignupWithWallet", () => {
  it("finds no account, signs up with the wallet's key and a wallet, then the wallet logs in", async () => {
    const app = dapp();
    const wallet = ethereumWallet();
    const walletClient = app.client({ walletStamper: new WalletStamper(wallet.wallet) });
    const sessionKey = newKeyPair();
    const signed = await walletClient.stampStampLogin({ publicKey: sessionKey.publicKey, organizationId: app.organizationId, expirationSeconds: "900" }, StamperType.Wallet);

    await expect(walletClient.proxyGetAccount({ filterType: "PUBLIC_KEY", filterValue: wallet.publicKey })).resolves.toEqual({});
    const res = await walletClient.proxySignupV2(
      buildSignUpBody({
        createSubOrgParams: {
          apiKeys: [{ apiKeyName: `wallet-auth:${wallet.publicKey}`, publicKey: wallet.publicKey, curveType: "API_KEY_CURVE_SECP256K1" }],
          customWallet: { walletName: "Default", walletAccounts: [{ curve: "CURVE_SECP256K1", pathFormat: "PATH_FORMAT_BIP32", path: "m/44'/60'/0'/0/0", addressFormat: "ADDRESS_FORMAT_ETHEREUM" }] },
        },
      }),
    );
    const { session } = (await walletClient.sendSignedRequest(signed!)) as { session: string };

    expect(jwtClaims(session)).toMatchObject({ public_key: sessionKey.publicKey, user_id: res.userId, organization_id: res.organizationId });
    await expect(walletClient.proxyGetAccount({ filterType: "PUBLIC_KEY", filterValue: wallet.publicKey })).resolves.toEqual({ organizationId: res.organizationId });
    expect(res.wallet?.addresses).toHaveLength(1);
    const sessionClient = app.client({ apiKeyStamper: apiKeyStamper(sessionKey) });
    await expect(sessionClient.getWallets({ organizationId: res.organizationId })).resolves.toMatchObject({ wallets: [{ walletId: res.wallet!.walletId, walletName: "Default" }] });
  });
});

describe("signUpWithOtp", () => {
  async function verified(app: ReturnType<typeof dapp>, email: string) {
    const key = newKeyPair();
    const { otpId, otpEncryptionTargetBundle } = await app.client().proxyInitOtpV2({ otpType: OtpType.Email, contact: email });
    const { code } = standin.sentOtps(email).at(-1)!;
    const encryptedOtpBundle = await encryptOtpCodeToBundle(code, otpEncryptionTargetBundle, key.publicKey, standin.otpSignerPublicKey);
    const { verificationToken } = await app.client().proxyVerifyOtpV2({ otpId, encryptedOtpBundle });
    return { key, verificationToken };
  }

  /** core's signUpWithOtp body: the signup with the token, signed (raw r‖s) by the token's key. */
  async function otpSignUpBody(verificationToken: string, email: string, key: ReturnType<typeof newKeyPair>, signedEmail = email) {
    const body = buildSignUpBody({ createSubOrgParams: { userEmail: email, verificationToken } });
    const { message, publicKey } = getClientSignatureMessageForSignup({ verificationToken, email: signedEmail, apiKeys: body.apiKeys, authenticators: body.authenticators, oauthProviders: body.oauthProviders });
    const signature = await apiKeyStamper(key).sign(message, SignatureFormat.Raw);
    return { ...body, clientSignature: { message, publicKey, scheme: "CLIENT_SIGNATURE_SCHEME_API_P256" as const, signature } };
  }

  it("creates the user with the verified email; the account is then found, and a second signup refused", async () => {
    const app = dapp();
    const email = "new@example.com";
    const { key, verificationToken } = await verified(app, email);

    const res = await app.client().proxySignupV2(await otpSignUpBody(verificationToken, email, key));

    await expect(app.client().proxyGetAccount({ filterType: "EMAIL", filterValue: email, verificationToken })).resolves.toEqual({ organizationId: res.organizationId });
    await expectTurnkeyError(app.client().proxySignupV2(await otpSignUpBody(verificationToken, email, key)), 6, "an account with this email already exists");
  });

  it("refuses a signup for another email, or whose client signature is not the token key's, creating nothing", async () => {
    const app = dapp();
    const email = "careful@example.com";
    const { key, verificationToken } = await verified(app, email);

    await expectTurnkeyError(app.client().proxySignupV2(await otpSignUpBody(verificationToken, "other@example.com", key, "other@example.com")), 3, "does not verify the user's email");
    await expectTurnkeyError(app.client().proxySignupV2(await otpSignUpBody(verificationToken, email, newKeyPair())), 16, "signature does not verify");
    await expectTurnkeyError(app.client().proxySignupV2(await otpSignUpBody(verificationToken, email, key, "x@example.com")), 16, "message does not describe this request");
    await expect(app.client().proxyGetAccount({ filterType: "EMAIL", filterValue: email, verificationToken })).resolves.toEqual({});
  });
});
