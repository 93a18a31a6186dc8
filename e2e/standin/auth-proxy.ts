/**
 * The auth proxy: Turnkey's unauthenticated endpoints for browsers, under `/auth-proxy` here
 * (so `authProxyUrl` is `<stand-in url>/auth-proxy`), as `@turnkey/core`'s
 * `TurnkeySDKClientBase.authProxyRequest` calls them (`__generated__/sdk-client-base.mjs`):
 * a JSON POST with `X-Auth-Proxy-Config-ID` naming the dApp's configuration.
 *
 *   /v1/otp_init_v2       { otpType, contact } → { otpId, otpEncryptionTargetBundle }      (otp.ts)
 *   /v1/otp_verify_v2     { otpId, encryptedOtpBundle } → { verificationToken }
 *   /v1/otp_login_v2      { verificationToken, publicKey, clientSignature, invalidateExisting?, organizationId? } → { session }
 *   /v1/account           { filterType, filterValue, verificationToken? } → { organizationId? }
 *   /v1/signup_v2         ProxyTSignupV2Body → { organizationId, userId, wallet?, appProofs }  (signup.ts)
 *   /v1/wallet_kit_config {} → the configuration's settings
 *
 * Errors are Turnkey-shaped, as `TurnkeyRequestError` reads them.
 */
import type { AuthProxyConfig } from "./auth-proxy-configs.ts";
import { verifyClientSignature } from "./client-signature.ts";
import { ApiError, badRequestBody, GrpcCode, methodNotAllowed, routeNotFound } from "./errors.ts";
import { parseContact } from "./otp.ts";
import type { ApiState } from "./public-api.ts";
import { grantSession, parseExpirationSeconds } from "./sessions.ts";
import { signUp } from "./signup.ts";
import { isCompressedP256PublicKey } from "./stamp-verify.ts";

export const AUTH_PROXY_PREFIX = "/auth-proxy";

export interface AuthProxyRequest {
  /** The path after AUTH_PROXY_PREFIX, e.g. "/v1/otp_init_v2". */
  path: string;
  method: string;
  /** `X-Auth-Proxy-Config-ID`. */
  configId: string | undefined;
  rawBody: Uint8Array;
  /** Epoch milliseconds. */
  now: number;
}

type Endpoint = (state: ApiState, config: AuthProxyConfig, body: Record<string, unknown>, now: number) => unknown;

const ENDPOINTS: Record<string, Endpoint> = {
  "/v1/otp_init_v2": initOtp,
  "/v1/otp_verify_v2": verifyOtp,
  "/v1/otp_login_v2": otpLogin,
  "/v1/account": getAccount,
  "/v1/signup_v2": signUp,
  "/v1/wallet_kit_config": walletKitConfig,
};

/**
 * Answers one auth proxy request.
 * @returns the JSON reply for HTTP 200.
 * @throws ApiError with Turnkey's status, code and message.
 */
export function handleAuthProxyRequest(state: ApiState, request: AuthProxyRequest): unknown {
  const endpoint = ENDPOINTS[request.path];
  if (!endpoint) throw routeNotFound();
  if (request.method !== "POST") throw methodNotAllowed();
  const config = state.authProxyConfigs.lookUp(request.configId);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(request.rawBody));
  } catch {
    throw badRequestBody();
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequestBody();
  return endpoint(state, config, body as Record<string, unknown>, request.now);
}

function initOtp(state: ApiState, config: AuthProxyConfig, body: Record<string, unknown>, now: number): unknown {
  return state.otps.init(parseContact(body.otpType, body.contact), config.organizationId, now);
}

function verifyOtp(state: ApiState, config: AuthProxyConfig, body: Record<string, unknown>, now: number): unknown {
  const verified = state.otps.verify(body.otpId, body.encryptedOtpBundle, now);
  if (verified.organizationId !== config.organizationId) throw new ApiError(404, GrpcCode.NotFound, "OTP not found");
  return { verificationToken: state.verificationTokens.issue({ ...verified, now }) };
}

/** An OTP login without an attested stamp: the client signature proves the token's key. */
function otpLogin(state: ApiState, config: AuthProxyConfig, body: Record<string, unknown>, now: number): unknown {
  const { verificationToken, publicKey, clientSignature, invalidateExisting, organizationId } = body;
  if (!isCompressedP256PublicKey(publicKey)) throw badRequestBody("publicKey must be a compressed P-256 public key in hex");
  if (invalidateExisting !== undefined && typeof invalidateExisting !== "boolean") throw badRequestBody("invalidateExisting must be a boolean");
  if (organizationId !== undefined && typeof organizationId !== "string") throw badRequestBody("organizationId must be a string");
  const token = state.verificationTokens.verify(verificationToken, now);
  if (token.organization_id !== config.organizationId) throw new ApiError(401, GrpcCode.Unauthenticated, "verification token is not for this auth proxy's organization");
  verifyClientSignature(clientSignature, token, "USAGE_TYPE_LOGIN", { login: { publicKey } });
  const user = state.verificationTokens.userFor(state.directory, token, organizationId ?? config.organizationId);
  state.verificationTokens.consume(token);
  const session = grantSession(state.directory, state.notarizer, {
    user,
    publicKey,
    expirationSeconds: parseExpirationSeconds(config.sessionExpirationSeconds),
    sessionType: "SESSION_TYPE_READ_WRITE",
    invalidateExisting: invalidateExisting === true,
    now,
  });
  return { session };
}

/**
 * The sub-organization an account filter finds under the configuration's organization, or `{}`.
 * Email and phone lookups need a verification token for that contact (they reveal who has an account).
 */
function getAccount(state: ApiState, config: AuthProxyConfig, body: Record<string, unknown>, now: number): unknown {
  const { filterType, filterValue } = body;
  if (typeof filterValue !== "string") throw badRequestBody("filterValue must be a string");
  const { directory, credentials } = state;
  const inConfig = (organizationId: string | undefined) =>
    organizationId !== undefined && directory.organization(organizationId)?.parentOrganizationId === config.organizationId ? { organizationId } : {};
  switch (filterType) {
    case "EMAIL":
    case "PHONE_NUMBER": {
      const otpType = filterType === "EMAIL" ? "OTP_TYPE_EMAIL" : "OTP_TYPE_SMS";
      const token = body.verificationToken === undefined ? undefined : state.verificationTokens.verify(body.verificationToken, now);
      if (!token || token.verification_type !== otpType || token.contact.toLowerCase() !== filterValue.toLowerCase()) {
        throw new ApiError(401, GrpcCode.Unauthenticated, "a verification token for this contact is required to look up an account by email or phone number");
      }
      const [user] = directory.usersByContact(config.organizationId, { otpType, contact: filterValue });
      return inConfig(user?.organizationId);
    }
    case "PUBLIC_KEY": {
      const walletKey = credentials.walletKey(filterValue);
      const owner = walletKey ? directory.user(walletKey.userId) : directory.userWithApiKey(filterValue);
      return inConfig(owner?.organizationId);
    }
    case "CREDENTIAL_ID": {
      const passkey = credentials.passkey(filterValue);
      return inConfig(passkey && directory.user(passkey.userId)?.organizationId);
    }
    default:
      throw new ApiError(501, GrpcCode.Unimplemented, `the stand-in does not serve account lookups by ${JSON.stringify(filterType)}`);
  }
}

function walletKitConfig(_state: ApiState, config: AuthProxyConfig): unknown {
  return {
    enabledProviders: config.enabledProviders,
    sessionExpirationSeconds: config.sessionExpirationSeconds,
    organizationId: config.organizationId,
    otpAlphanumeric: config.otpAlphanumeric,
    otpLength: config.otpLength,
  };
}
