/**
 * `proxySignupV2`: the auth proxy creates an end user's sub-organization under the dApp's
 * parent organization, as `@turnkey/core`'s `signUpWithPasskey`, `signUpWithWallet`,
 * `loginOrSignupWithWallet` and `signUpWithOtp` call it (body from `buildSignUpBody` in
 * `utils.mjs`; `ProxyTSignupV2Body` / `ProxyTSignupV2Response` in `@turnkey/sdk-types`).
 *
 * The root user gets the body's name, email and phone number, and its credentials: P-256 API
 * keys (expiring when `expirationSeconds` is given, like passkey sign-up's 60-second key),
 * secp256k1 keys as wallet keys (a wallet's login key), and passkeys from their WebAuthn
 * attestations (attestation.ts). A `verificationToken` must verify the email or phone number
 * given and come with a client signature over exactly this signup (client-signature.ts). A
 * `wallet` gets Ethereum accounts. A user with no credential and no verified contact is refused.
 * OAuth providers and other curves are not served.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { AuthProxyConfig } from "./auth-proxy-configs.ts";
import { parseAttestation } from "./attestation.ts";
import { verifyClientSignature } from "./client-signature.ts";
import type { User } from "./directory.ts";
import { ApiError, badRequestBody, GrpcCode } from "./errors.ts";
import type { ApiState } from "./public-api.ts";
import { isCompressedP256PublicKey } from "./stamp-verify.ts";

const unimplemented = (what: string) => new ApiError(501, GrpcCode.Unimplemented, `the stand-in does not serve ${what}`);

function isSecp256k1PublicKey(hex: string): boolean {
  try {
    secp256k1.Point.fromHex(hex.toLowerCase());
    return true;
  } catch {
    return false;
  }
}

/** A list the body must carry, empty if unused (`ProxyTSignupV2Body`: "should be an empty array"). */
function array(body: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const value = body[field];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "object" && item !== null && !Array.isArray(item))) {
    throw badRequestBody(`${field} must be an array of objects`);
  }
  return value as Record<string, unknown>[];
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== "string") throw badRequestBody(`${field} must be a string`);
  return value;
}

export function signUp(state: ApiState, config: AuthProxyConfig, body: Record<string, unknown>, now: number): unknown {
  const userName = optionalString(body, "userName");
  const userEmail = optionalString(body, "userEmail");
  const userPhoneNumber = optionalString(body, "userPhoneNumber");
  const organizationName = optionalString(body, "organizationName");
  const apiKeys = array(body, "apiKeys");
  const authenticators = array(body, "authenticators");
  const oauthProviders = array(body, "oauthProviders");
  if (oauthProviders.length > 0) throw unimplemented("OAuth providers");
  // A root user must be able to log in somehow (stand-in rule): a credential, or a verified contact.
  if (apiKeys.length === 0 && authenticators.length === 0 && body.verificationToken === undefined) {
    throw badRequestBody("a signup needs an API key, an authenticator or a verification token");
  }

  // Check every credential before creating anything: a refused signup leaves nothing behind.
  const keys = apiKeys.map((key) => {
    const { publicKey, curveType, expirationSeconds } = key;
    if (curveType === "API_KEY_CURVE_P256") {
      if (!isCompressedP256PublicKey(publicKey)) throw badRequestBody("apiKeys: publicKey must be a compressed P-256 public key in hex");
      if (expirationSeconds !== undefined && (typeof expirationSeconds !== "string" || !/^[1-9][0-9]*$/.test(expirationSeconds))) {
        throw badRequestBody("apiKeys: expirationSeconds must be a string of digits");
      }
      return { kind: "p256" as const, publicKey, expirationSeconds: expirationSeconds as string | undefined };
    }
    if (curveType === "API_KEY_CURVE_SECP256K1") {
      if (typeof publicKey !== "string" || !isSecp256k1PublicKey(publicKey)) throw badRequestBody("apiKeys: publicKey must be a secp256k1 public key in hex");
      return { kind: "wallet" as const, publicKey };
    }
    throw unimplemented(`API keys of curve ${JSON.stringify(curveType)}`);
  });
  const passkeys = authenticators.map((authenticator) => ({ name: authenticator.authenticatorName, ...parseAttestation(authenticator) }));
  const wallet = body.wallet === undefined ? undefined : walletAccounts(body.wallet);

  if (body.verificationToken !== undefined) {
    const token = state.verificationTokens.verify(body.verificationToken, now);
    if (token.organization_id !== config.organizationId) throw new ApiError(401, GrpcCode.Unauthenticated, "verification token is not for this auth proxy's organization");
    const verified = token.verification_type === "OTP_TYPE_EMAIL" ? userEmail : userPhoneNumber;
    if (verified === undefined || verified.toLowerCase() !== token.contact.toLowerCase()) {
      throw badRequestBody("the verification token does not verify the user's email or phone number");
    }
    verifyClientSignature(body.clientSignature, token, "USAGE_TYPE_SIGNUP", {
      signupV2: {
        apiKeys,
        authenticators,
        oauthProviders,
        ...(userEmail === undefined ? {} : { email: userEmail }),
        ...(userPhoneNumber === undefined ? {} : { phoneNumber: userPhoneNumber }),
      },
    });
  }
  for (const otpType of ["OTP_TYPE_EMAIL", "OTP_TYPE_SMS"] as const) {
    const contact = otpType === "OTP_TYPE_EMAIL" ? userEmail : userPhoneNumber;
    if (contact !== undefined && state.directory.usersByContact(config.organizationId, { otpType, contact }).length > 0) {
      throw new ApiError(409, GrpcCode.AlreadyExists, `an account with this ${otpType === "OTP_TYPE_EMAIL" ? "email" : "phone number"} already exists`);
    }
  }

  const { organization, user } = state.directory.createSubOrganization(config.organizationId, {
    ...(organizationName === undefined ? {} : { name: organizationName }),
    ...(userName === undefined ? {} : { userName }),
    ...(userEmail === undefined ? {} : { email: userEmail }),
    ...(userPhoneNumber === undefined ? {} : { phoneNumber: userPhoneNumber }),
  });
  addCredentials(state, user, keys, passkeys, now);
  const created = wallet && state.wallets.create(organization.id, wallet.walletName, wallet.accounts, now);
  return {
    organizationId: organization.id,
    userId: user.id,
    ...(created ? { wallet: { walletId: created.wallet.walletId, addresses: created.accounts.map((a) => a.address) } } : {}),
    appProofs: [],
  };
}

function addCredentials(
  state: ApiState,
  user: User,
  keys: ({ kind: "p256"; publicKey: string; expirationSeconds: string | undefined } | { kind: "wallet"; publicKey: string })[],
  passkeys: { name: unknown; credentialId: string; publicKey: string; origin: string; rpId: string }[],
  now: number,
): void {
  for (const key of keys) {
    if (key.kind === "wallet") state.credentials.register(state.directory, { type: "wallet", userId: user.id, publicKey: key.publicKey });
    else if (key.expirationSeconds === undefined) state.directory.addLongLivedKey(user, key.publicKey, now);
    else state.directory.addExpiringKey(user, key.publicKey, now, now + Number(key.expirationSeconds) * 1000);
  }
  for (const { name, ...passkey } of passkeys) {
    state.credentials.register(state.directory, { type: "passkey", userId: user.id, ...passkey });
    if (typeof name === "string") state.credentials.passkey(passkey.credentialId)!.name = name;
  }
}

/** A signup's `wallet` (`v1WalletParams`): Ethereum accounts only. */
function walletAccounts(wallet: unknown): { walletName: string; accounts: number } {
  if (typeof wallet !== "object" || wallet === null) throw badRequestBody("wallet must be an object");
  const { walletName, accounts } = wallet as Record<string, unknown>;
  if (typeof walletName !== "string") throw badRequestBody("wallet.walletName must be a string");
  if (!Array.isArray(accounts) || accounts.length === 0) throw badRequestBody("wallet.accounts must be a non-empty array");
  for (const account of accounts as Record<string, unknown>[]) {
    if (account?.addressFormat !== "ADDRESS_FORMAT_ETHEREUM" || account.curve !== "CURVE_SECP256K1") throw unimplemented("wallet accounts other than Ethereum ones");
  }
  return { walletName, accounts: accounts.length };
}
