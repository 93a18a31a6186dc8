/**
 * The Turnkey API endpoints the stand-in serves: `stamp_login`, `get_activity`, `whoami`, and the
 * queries of queries.ts (`get_user`, `list_wallets`, `list_wallet_accounts`).
 *
 * Every call is authenticated as Turnkey does it, by one stamp over the exact body bytes whose
 * key belongs to a user of the body's `organizationId`: an API-key `X-Stamp` (a live API key), a
 * wallet `X-Stamp` (`SIGNATURE_SCHEME_TK_API_SECP256K1_EIP191`, a registered wallet key) or an
 * `X-Stamp-Webauthn` (a registered passkey). The stamp that passed is reported for the request log.
 *
 * A passkey or wallet `stamp_login` may name the parent organization while the credential
 * belongs to a user of one of its sub-organizations: `@turnkey/core`'s `loginWithPasskey` and
 * `buildWalletLoginRequest` stamp for `config.organizationId` (`__clients__/core.mjs`), and
 * Turnkey resolves the sub-organization from the credential; the session is the sub-org user's.
 *
 * `stamp_login` also takes an `X-Stamp-Attested` (attested-stamp.ts): `loginWithOtp` signs with
 * the key an OTP verification token is bound to, for the parent organization or the user's
 * sub-organization; the token names the user by the contact it verified, and logs in once.
 */
import {
  ACTIVITY_STATUS_COMPLETED,
  ACTIVITY_STATUS_FAILED,
  ACTIVITY_STATUS_PENDING,
  type ActivityStore,
  createActivity,
} from "./activities.ts";
import type { CredentialStore } from "./credentials.ts";
import { type Directory, type Organization, type User, UUID } from "./directory.ts";
import {
  activityNotFound,
  ambiguousStamp,
  attestedKeyMismatch,
  attestedStampNotAccepted,
  badRequestBody,
  badSignature,
  credentialNotFound,
  expiredApiKey,
  GrpcCode,
  malformedOrganizationId,
  methodNotAllowed,
  organizationNotFound,
  publicKeyNotFound,
  routeNotFound,
} from "./errors.ts";
import { ATTESTED_STAMP_HEADER, decodeAttestedStamp, verifyAttestedSignature } from "./attested-stamp.ts";
import type { AuthProxyConfigs } from "./auth-proxy-configs.ts";
import type { Fault } from "./faults.ts";
import type { OtpStore } from "./otp.ts";
import type { VerificationClaims, VerificationTokens } from "./verification-tokens.ts";
import { getUser, listWalletAccounts, listWallets } from "./queries.ts";
import type { WalletStore } from "./wallets.ts";
import { grantSession, parseExpirationSeconds } from "./sessions.ts";
import type { Notarizer } from "./session-jwt.ts";
import { decodeApiKeyStamp, isCompressedP256PublicKey, readStamp, verifyStamp } from "./stamp-verify.ts";
import { decodeWalletStamp, verifyWalletStamp, WALLET_EIP191_SCHEME } from "./wallet-stamp.ts";
import { decodeWebauthnStamp, verifyWebauthnStamp } from "./webauthn-stamp.ts";

export interface ApiState {
  directory: Directory;
  activities: ActivityStore;
  notarizer: Notarizer;
  credentials: CredentialStore;
  wallets: WalletStore;
  otps: OtpStore;
  verificationTokens: VerificationTokens;
  authProxyConfigs: AuthProxyConfigs;
}

/** The stamp a request was authenticated by. */
export interface VerifiedStamp {
  stamper: "api-key" | "wallet" | "passkey" | "attested";
  /** The API key's, wallet's or attested key's public key, or the passkey's (uncompressed P-256 hex). */
  publicKey: string;
  /** The passkey's credential id. */
  credentialId?: string;
  /** The id of the verification token an attested stamp presented. */
  verificationTokenId?: string;
  userId: string;
}

export interface ApiRequest {
  path: string;
  method: string;
  /** `X-Stamp`. */
  stampHeader: string | undefined;
  /** `X-Stamp-Webauthn`. */
  webauthnStampHeader?: string | undefined;
  /** `X-Stamp-Attested`. */
  attestedStampHeader?: string | undefined;
  /** Told which stamp authenticated the request. */
  onAuthenticated?: (stamp: VerifiedStamp) => void;
  rawBody: Uint8Array;
  /** The fault this request took, if it shapes the activity. */
  fault: Fault | undefined;
  /** Epoch milliseconds. */
  now: number;
}

export interface Caller {
  organization: Organization;
  user: User;
  body: Record<string, unknown>;
  /** The verification token of an attested stamp, consumed when the login is granted. */
  verificationToken?: VerificationClaims;
}

type Endpoint = (state: ApiState, request: ApiRequest, caller: Caller) => unknown;

const DIGITS = /^[0-9]+$/;

const ENDPOINTS: Record<string, Endpoint> = {
  "/public/v1/submit/stamp_login": stampLogin,
  "/public/v1/query/get_activity": getActivity,
  "/public/v1/query/whoami": whoami,
  "/public/v1/query/get_user": getUser,
  "/public/v1/query/list_wallets": listWallets,
  "/public/v1/query/list_wallet_accounts": listWalletAccounts,
};

/**
 * Login activities: where a sub-organization user's passkey or wallet may sign for the parent
 * organization, and the only requests an attested stamp authenticates.
 */
const LOGIN_PATHS = new Set(["/public/v1/submit/stamp_login"]);

/**
 * Answers one API request.
 * @returns the JSON reply for HTTP 200.
 * @throws ApiError with Turnkey's status, code and message.
 */
export function handleApiRequest(state: ApiState, request: ApiRequest): unknown {
  const endpoint = ENDPOINTS[request.path];
  if (!endpoint) throw routeNotFound();
  if (request.method !== "POST") throw methodNotAllowed();
  const caller = authenticate(state, request);
  request.onAuthenticated?.(caller.stamp);
  return endpoint(state, request, caller);
}

function authenticate(state: ApiState, request: ApiRequest): Caller & { stamp: VerifiedStamp } {
  const { webauthnStampHeader, stampHeader, attestedStampHeader } = request;
  const present = ([["X-Stamp", stampHeader], ["X-Stamp-Webauthn", webauthnStampHeader], [ATTESTED_STAMP_HEADER, attestedStampHeader]] as const)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (present.length > 1) throw ambiguousStamp(present);
  if (attestedStampHeader !== undefined) return authenticateAttested(state, request, attestedStampHeader);
  if (webauthnStampHeader !== undefined) return authenticatePasskey(state, request, webauthnStampHeader);
  const stamp = readStamp(stampHeader, request.path);
  if (stamp.scheme === WALLET_EIP191_SCHEME) return authenticateWallet(state, request, stamp);

  const apiKey = decodeApiKeyStamp(stamp);
  if (!verifyStamp(apiKey, request.rawBody)) throw badSignature();
  const { organization, body } = organizationOf(state, request);
  const lookup = state.directory.lookUpKey(organization.id, apiKey.publicKey, request.now);
  if (lookup.found === "none") throw publicKeyNotFound(organization.id, apiKey.publicKey);
  if (lookup.found === "expired") throw expiredApiKey(apiKey.publicKey);
  return { organization, user: lookup.user, body, stamp: { stamper: "api-key", publicKey: apiKey.publicKey, userId: lookup.user.id } };
}

/** A wallet key is a long-lived API key of its user; Turnkey reports an unknown one as it does any key. */
function authenticateWallet(state: ApiState, request: ApiRequest, json: Record<string, unknown>): Caller & { stamp: VerifiedStamp } {
  const stamp = decodeWalletStamp(json);
  if (!verifyWalletStamp(stamp, request.rawBody)) throw badSignature();
  const { organization, body } = organizationOf(state, request);
  const walletKey = state.credentials.walletKey(stamp.publicKey);
  const user = walletKey && state.directory.user(walletKey.userId);
  if (!user || !reaches(state, request, organization, user)) throw publicKeyNotFound(organization.id, stamp.publicKey);
  return { organization, user, body, stamp: { stamper: "wallet", publicKey: stamp.publicKey, userId: user.id } };
}

function authenticatePasskey(state: ApiState, request: ApiRequest, header: string): Caller & { stamp: VerifiedStamp } {
  const stamp = decodeWebauthnStamp(header);
  const passkey = state.credentials.passkey(stamp.credentialId);
  const user = passkey && state.directory.user(passkey.userId);
  if (!passkey || !user) {
    const { organization } = organizationOf(state, request);
    throw credentialNotFound(organization.id, stamp.credentialId);
  }
  verifyWebauthnStamp(stamp, passkey, request.rawBody);
  const { organization, body } = organizationOf(state, request);
  if (!reaches(state, request, organization, user)) throw credentialNotFound(organization.id, stamp.credentialId);
  return {
    organization,
    user,
    body,
    stamp: { stamper: "passkey", publicKey: passkey.publicKey, credentialId: passkey.credentialId, userId: user.id },
  };
}

/** An OTP login's stamp: the verification token's key signed the body, and the token names the user. */
function authenticateAttested(state: ApiState, request: ApiRequest, header: string): Caller & { stamp: VerifiedStamp } {
  const stamp = decodeAttestedStamp(header);
  if (!LOGIN_PATHS.has(request.path)) throw attestedStampNotAccepted();
  verifyAttestedSignature(stamp, request.rawBody);
  const verificationToken = state.verificationTokens.verify(stamp.verificationToken, request.now);
  if (verificationToken.public_key !== stamp.publicKey) throw attestedKeyMismatch();
  state.verificationTokens.assertUnused(verificationToken);
  const { organization, body } = organizationOf(state, request);
  const user = state.verificationTokens.userFor(state.directory, verificationToken, organization.id);
  return {
    organization,
    user,
    body,
    verificationToken,
    stamp: { stamper: "attested", publicKey: stamp.publicKey, verificationTokenId: verificationToken.id, userId: user.id },
  };
}

/** Whether a credential of `user` may sign a request to `path` for `organization`. */
function reaches({ directory }: ApiState, request: ApiRequest, organization: Organization, user: User): boolean {
  if (user.organizationId === organization.id) return true;
  return LOGIN_PATHS.has(request.path) && directory.organization(user.organizationId)?.parentOrganizationId === organization.id;
}

/** The body's organization, which the stamp's key must belong to. */
function organizationOf({ directory }: ApiState, request: ApiRequest): { organization: Organization; body: Record<string, unknown> } {
  const body = parseBody(request.rawBody);
  const { organizationId } = body;
  if (typeof organizationId !== "string") throw badRequestBody("organizationId must be a string");
  if (!UUID.test(organizationId)) throw malformedOrganizationId();
  const organization = directory.organization(organizationId);
  if (!organization) throw organizationNotFound();
  return { organization, body };
}

function parseBody(rawBody: Uint8Array): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawBody));
  } catch {
    throw badRequestBody();
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequestBody();
  return body as Record<string, unknown>;
}

function stampLogin(state: ApiState, request: ApiRequest, { user, body, verificationToken }: Caller): unknown {
  if (body.type !== "ACTIVITY_TYPE_STAMP_LOGIN") {
    throw badRequestBody("type must be ACTIVITY_TYPE_STAMP_LOGIN");
  }
  if (typeof body.timestampMs !== "string" || !DIGITS.test(body.timestampMs)) {
    throw badRequestBody("timestampMs must be a string of digits");
  }
  const { parameters } = body;
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    throw badRequestBody("parameters must be an object");
  }
  const { publicKey, expirationSeconds, invalidateExisting, sessionProfileId } =
    parameters as Record<string, unknown>;
  if (!isCompressedP256PublicKey(publicKey)) {
    throw badRequestBody("parameters.publicKey must be a compressed P-256 public key in hex");
  }
  if (expirationSeconds !== undefined && typeof expirationSeconds !== "string") {
    throw badRequestBody("parameters.expirationSeconds must be a string");
  }
  const seconds = parseExpirationSeconds(expirationSeconds);
  if (invalidateExisting !== undefined && typeof invalidateExisting !== "boolean") {
    throw badRequestBody("parameters.invalidateExisting must be a boolean");
  }
  if (sessionProfileId !== undefined && typeof sessionProfileId !== "string") {
    throw badRequestBody("parameters.sessionProfileId must be a string");
  }

  const activity = createActivity({
    organizationId: user.organizationId,
    type: "ACTIVITY_TYPE_STAMP_LOGIN",
    status: ACTIVITY_STATUS_COMPLETED,
    intent: { stampLoginIntent: parameters },
    rawBody: request.rawBody,
    now: request.now,
  });
  const run = (now: number) => ({
    stampLoginResult: {
      session: grantSession(state.directory, state.notarizer, {
        user,
        publicKey,
        expirationSeconds: seconds,
        sessionType: "SESSION_TYPE_READ_WRITE",
        invalidateExisting: invalidateExisting === true,
        now,
      }),
    },
  });

  // An OTP login spends its verification token once the request is known to be good.
  if (verificationToken) state.verificationTokens.consume(verificationToken);
  const { fault } = request;
  if (fault?.activityStatus !== undefined) {
    activity.status = fault.activityStatus;
    if (fault.activityStatus === ACTIVITY_STATUS_FAILED) {
      activity.failure = { code: GrpcCode.Internal, message: "activity failed (injected fault)", details: [] };
    }
    state.activities.add(activity);
  } else if (fault?.pendingPolls !== undefined) {
    activity.status = ACTIVITY_STATUS_PENDING;
    state.activities.addPending(activity, fault.pendingPolls, run);
  } else {
    activity.result = run(request.now);
    state.activities.add(activity);
  }
  return { activity };
}

function getActivity(state: ApiState, request: ApiRequest, { organization, body }: Caller): unknown {
  if (typeof body.activityId !== "string") throw badRequestBody("activityId must be a string");
  const activity = state.activities.read(organization.id, body.activityId, request.now);
  if (!activity) throw activityNotFound();
  return { activity };
}

function whoami(_state: ApiState, _request: ApiRequest, { organization, user }: Caller): unknown {
  return {
    organizationId: organization.id,
    organizationName: organization.name,
    userId: user.id,
    username: user.username,
  };
}
