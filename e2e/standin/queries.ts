/**
 * Read-only queries a logged-in `@turnkey/core` app makes: `get_user` (core's `fetchUser`),
 * `list_wallets` and `list_wallet_accounts` (core's `fetchWallets` and `fetchWalletAccounts`;
 * `__clients__/core.mjs`, `fetchAllWalletAccountsWithCursor` in `utils.mjs`). Replies are shaped
 * like `v1GetUserResponse`, `v1GetWalletsResponse` and `v1GetWalletAccountsResponse` in
 * `@turnkey/http`'s generated `public_api.types.d.ts`. The caller is already authenticated for
 * the body's organization (public-api.ts), as Turnkey requires for queries.
 */
import { createHash } from "node:crypto";
import { timestamp } from "./activities.ts";
import { type User, UUID } from "./directory.ts";
import { ApiError, badRequestBody, GrpcCode } from "./errors.ts";
import type { ApiRequest, ApiState, Caller } from "./public-api.ts";

/** A stable UUID-shaped id for a credential (the stand-in keeps no ids of its own for them). */
function idFor(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("/")).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== "string") throw badRequestBody(`${field} must be a string`);
  return value;
}

/** The user as `v1User`: login keys, wallet keys and passkeys among its credentials. */
function userView(state: ApiState, user: User, now: number) {
  const created = timestamp(user.createdAt);
  const apiKeys = user.apiKeys
    .filter((key) => !key.invalidated && (key.expiresAt === undefined || key.expiresAt > now))
    .map((key) => ({
      credential: { publicKey: key.publicKey, type: key.expiresAt === undefined ? "CREDENTIAL_TYPE_API_KEY_P256" : "CREDENTIAL_TYPE_LOGIN" },
      apiKeyId: idFor(user.id, key.publicKey),
      apiKeyName: key.expiresAt === undefined ? `api-key-${key.publicKey.slice(0, 8)}` : `session-${key.publicKey.slice(0, 8)}`,
      createdAt: timestamp(key.createdAt),
      updatedAt: timestamp(key.createdAt),
      ...(key.expiresAt === undefined ? {} : { expirationSeconds: String(Math.round((key.expiresAt - key.createdAt) / 1000)) }),
    }));
  const walletKeys = state.credentials.walletKeysOf(user.id).map((key) => ({
    credential: { publicKey: key.publicKey, type: "CREDENTIAL_TYPE_API_KEY_SECP256K1" },
    apiKeyId: idFor(user.id, key.publicKey),
    apiKeyName: `wallet-auth:${key.publicKey}`,
    createdAt: created,
    updatedAt: created,
  }));
  const authenticators = state.credentials.passkeysOf(user.id).map((passkey) => ({
    transports: ["AUTHENTICATOR_TRANSPORT_INTERNAL"],
    attestationType: "none",
    aaguid: "00000000-0000-0000-0000-000000000000",
    credentialId: passkey.credentialId,
    model: "stand-in passkey",
    credential: { publicKey: passkey.publicKey, type: "CREDENTIAL_TYPE_WEBAUTHN_AUTHENTICATOR" },
    authenticatorId: idFor(user.id, passkey.credentialId),
    authenticatorName: passkey.name ?? `passkey-${passkey.credentialId.slice(0, 8)}`,
    createdAt: created,
    updatedAt: created,
  }));
  return {
    userId: user.id,
    userName: user.username,
    ...(user.email === undefined ? {} : { userEmail: user.email }),
    ...(user.phoneNumber === undefined ? {} : { userPhoneNumber: user.phoneNumber }),
    authenticators,
    apiKeys: [...walletKeys, ...apiKeys],
    userTags: [],
    oauthProviders: [],
    createdAt: created,
    updatedAt: created,
    mfaPolicies: [],
  };
}

export function getUser(state: ApiState, request: ApiRequest, { organization, body }: Caller): unknown {
  const userId = optionalString(body, "userId");
  if (userId === undefined) throw badRequestBody("userId must be a string");
  if (!UUID.test(userId)) throw badRequestBody("malformed user ID provided");
  const user = state.directory.user(userId);
  if (!user || user.organizationId !== organization.id) throw new ApiError(404, GrpcCode.NotFound, "no user found with the given ID");
  return { user: userView(state, user, request.now) };
}

export function listWallets(state: ApiState, _request: ApiRequest, { organization }: Caller): unknown {
  return { wallets: state.wallets.list(organization.id) };
}

export function listWalletAccounts(state: ApiState, _request: ApiRequest, { organization, body }: Caller): unknown {
  const walletId = optionalString(body, "walletId");
  const { includeWalletDetails, paginationOptions } = body;
  if (includeWalletDetails !== undefined && typeof includeWalletDetails !== "boolean") throw badRequestBody("includeWalletDetails must be a boolean");
  if (paginationOptions !== undefined && (typeof paginationOptions !== "object" || paginationOptions === null || Array.isArray(paginationOptions))) {
    throw badRequestBody("paginationOptions must be an object");
  }
  const pagination = (paginationOptions ?? {}) as Record<string, unknown>;
  const limit = optionalString(pagination, "limit");
  const after = optionalString(pagination, "after");
  const before = optionalString(pagination, "before");
  return {
    accounts: state.wallets.page(organization.id, {
      ...(walletId === undefined ? {} : { walletId }),
      includeWalletDetails: includeWalletDetails === true,
      ...(limit === undefined ? {} : { limit }),
      ...(after === undefined ? {} : { after }),
      ...(before === undefined ? {} : { before }),
    }),
  };
}
