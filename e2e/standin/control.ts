/**
 * Test-only control endpoints under `/__standin/`, the HTTP face of the `Standin` object for tests
 * that run the stand-in in another process (e.g. the CLI) or drive it from a browser:
 *
 *   POST /__standin/mint          body = mint options → { session, organizationId, userId }
 *   POST /__standin/credentials   body = a passkey or wallet key for a user → { ok: true }
 *   POST /__standin/organizations      body = { name? } → { organizationId }
 *   POST /__standin/sub-organizations  body = sub-organization options → { organizationId, userId }
 *   POST /__standin/wallets       body = wallet options → { walletId, addresses }
 *   POST /__standin/auth-proxy-configs  body = { organizationId?, … } → { authProxyUrl, authProxyConfigId, organizationId }
 *   GET  /__standin/otps?contact= → the OTP codes sent (SentOtp[])
 *   GET  /__standin/requests?path= → ReceivedRequest[]
 *   POST /__standin/faults        body = Fault → { ok: true }
 *   POST /__standin/reset         → { ok: true }
 *   GET  /__standin/api-keys?userId= → the user's API keys
 *   GET  /__standin/info          → { url, notarizerPublicKey, otpSignerPublicKey, authProxyUrl }
 */
import { ApiError, GrpcCode } from "./errors.ts";
import type { AuthProxyOptions } from "./auth-proxy-configs.ts";
import type { CredentialOptions } from "./credentials.ts";
import type { Fault } from "./faults.ts";
import type { OrganizationOptions, SubOrganizationOptions, WalletOptions } from "./seeds.ts";
import type { MintOptions } from "./sessions.ts";
import type { Standin } from "./server.ts";

export const CONTROL_PREFIX = "/__standin/";

function parseJson(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    throw new ApiError(400, GrpcCode.InvalidArgument, "body is not JSON");
  }
}

/**
 * Answers one control request.
 * @returns the JSON reply for HTTP 200.
 * @throws ApiError for an unknown endpoint or invalid input.
 */
export function handleControlRequest(
  standin: Standin,
  method: string,
  url: URL,
  rawBody: Uint8Array,
): unknown {
  const route = `${method} ${url.pathname}`;
  switch (route) {
    case "POST /__standin/mint":
      // mint checks the options itself.
      return standin.mint(parseJson(rawBody) as MintOptions);
    case "POST /__standin/credentials":
      // registerCredential checks the options itself.
      standin.registerCredential(parseJson(rawBody) as CredentialOptions);
      return { ok: true };
    // The seeding functions check the options themselves.
    case "POST /__standin/organizations":
      return standin.createOrganization(parseJson(rawBody) as OrganizationOptions);
    case "POST /__standin/sub-organizations":
      return standin.createSubOrganization(parseJson(rawBody) as SubOrganizationOptions);
    case "POST /__standin/wallets":
      return standin.createWallet(parseJson(rawBody) as WalletOptions);
    case "POST /__standin/auth-proxy-configs":
      return standin.createAuthProxyConfig(parseJson(rawBody) as AuthProxyOptions);
    case "GET /__standin/otps":
      return standin.sentOtps(url.searchParams.get("contact") ?? undefined);
    case "GET /__standin/requests": {
      const path = url.searchParams.get("path");
      return standin.requests(path === null ? undefined : { path });
    }
    case "POST /__standin/faults":
      // inject checks the fault itself.
      standin.inject(parseJson(rawBody) as Fault);
      return { ok: true };
    case "POST /__standin/reset":
      standin.reset();
      return { ok: true };
    case "GET /__standin/api-keys": {
      const userId = url.searchParams.get("userId");
      if (userId === null) throw new ApiError(400, GrpcCode.InvalidArgument, "userId is required");
      return standin.apiKeys(userId);
    }
    case "GET /__standin/info":
      return { url: standin.url, notarizerPublicKey: standin.notarizerPublicKey, otpSignerPublicKey: standin.otpSignerPublicKey, authProxyUrl: standin.authProxyUrl };
    default:
      throw new ApiError(404, GrpcCode.NotFound, `no stand-in control endpoint ${route}`);
  }
}
