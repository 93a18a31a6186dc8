/**
 * Auth proxy configurations: what a dApp sets up in Turnkey's dashboard so that browsers can
 * sign users up and log them in with OTPs without a backend of the dApp's own. `@turnkey/core`
 * sends the configuration's id as `X-Auth-Proxy-Config-ID` (`authProxyRequest` in
 * `__generated__/sdk-client-base.mjs`); each one acts for its parent organization, whose
 * sub-organizations it creates and finds. `wallet_kit_config` answers its settings
 * (`v1GetWalletKitConfigResponse` in `@turnkey/sdk-types`).
 */
import { randomUUID } from "node:crypto";
import type { Directory } from "./directory.ts";
import { ApiError, GrpcCode } from "./errors.ts";

export interface AuthProxyConfig {
  id: string;
  organizationId: string;
  enabledProviders: string[];
  sessionExpirationSeconds: string;
  otpLength: string;
  otpAlphanumeric: boolean;
}

export interface AuthProxyOptions {
  /** The parent organization; default: a new one. */
  organizationId?: string;
  /** Default ["email", "sms", "passkey", "wallet"]. */
  enabledProviders?: string[];
  /** Default "900". */
  sessionExpirationSeconds?: string;
}

const invalid = (reason: string) => new ApiError(400, GrpcCode.InvalidArgument, `invalid auth proxy options: ${reason}`);

export class AuthProxyConfigs {
  private readonly configs = new Map<string, AuthProxyConfig>();

  /**
   * A configuration for a parent organization. Options may come from JSON, so they are checked.
   * @throws ApiError (400) for invalid options or an organization that is not a parent.
   */
  create(directory: Directory, options: AuthProxyOptions = {}): AuthProxyConfig {
    if (typeof options !== "object" || options === null || Array.isArray(options)) throw invalid("expected an object");
    for (const key of Object.keys(options)) {
      if (!["organizationId", "enabledProviders", "sessionExpirationSeconds"].includes(key)) throw invalid(`unknown field ${key}`);
    }
    const { organizationId, enabledProviders, sessionExpirationSeconds } = options;
    if (organizationId !== undefined) {
      const organization = typeof organizationId === "string" ? directory.organization(organizationId) : undefined;
      if (!organization || organization.parentOrganizationId !== undefined) throw invalid("organizationId must name a parent organization of the stand-in");
    }
    if (enabledProviders !== undefined && (!Array.isArray(enabledProviders) || !enabledProviders.every((p) => typeof p === "string"))) {
      throw invalid("enabledProviders must be an array of strings");
    }
    if (sessionExpirationSeconds !== undefined && (typeof sessionExpirationSeconds !== "string" || !/^[1-9][0-9]*$/.test(sessionExpirationSeconds))) {
      throw invalid("sessionExpirationSeconds must be a string of digits");
    }
    const config: AuthProxyConfig = {
      id: randomUUID(),
      organizationId: organizationId ?? directory.createOrganization().id,
      enabledProviders: enabledProviders ?? ["email", "sms", "passkey", "wallet"],
      sessionExpirationSeconds: sessionExpirationSeconds ?? "900",
      otpLength: "6",
      otpAlphanumeric: false,
    };
    this.configs.set(config.id, config);
    return config;
  }

  /**
   * The configuration a request names.
   * @throws ApiError (401) when the header is missing or names no configuration (stand-in wording).
   */
  lookUp(configId: string | undefined): AuthProxyConfig {
    const config = configId === undefined ? undefined : this.configs.get(configId);
    if (!config) throw new ApiError(401, GrpcCode.Unauthenticated, "missing or unknown auth proxy config ID (X-Auth-Proxy-Config-ID)");
    return config;
  }

  clear(): void {
    this.configs.clear();
  }
}
