/**
 * A local stand-in for the Turnkey API (node:http, loopback only), for tests.
 *
 * It serves `stamp_login`, `get_activity`, `whoami`, `get_user`, `list_wallets` and
 * `list_wallet_accounts` the way Turnkey does (API-key, wallet, passkey and OTP-attested stamp
 * verification, logins at a parent organization, API-key lifetimes and limits, session JWTs,
 * Turnkey-shaped errors), and the auth proxy's OTP, account and signup endpoints under
 * `/auth-proxy`. It records every request, and lets tests mint first sessions, create
 * organizations, sub-organizations, wallets and auth proxy configurations, register passkeys and
 * wallet keys, read the OTP codes sent, and inject faults, in process or over `/__standin/`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ActivityStore } from "./activities.ts";
import { AUTH_PROXY_PREFIX, handleAuthProxyRequest } from "./auth-proxy.ts";
import { type AuthProxyOptions, AuthProxyConfigs } from "./auth-proxy-configs.ts";
import { CONTROL_PREFIX, handleControlRequest } from "./control.ts";
import { type CredentialOptions, CredentialStore } from "./credentials.ts";
import { Directory } from "./directory.ts";
import { ApiError, bodyTooLarge, errorForHttpStatus, internalError, routeNotFound } from "./errors.ts";
import { type Fault, FaultQueue } from "./faults.ts";
import { OtpStore, type SentOtp } from "./otp.ts";
import { createOtpSigner } from "./otp-signer.ts";
import { answerPreflight, flattenHeaders, MAX_BODY_BYTES, readBody, send } from "./http-utils.ts";
import { type ApiState, handleApiRequest, type VerifiedStamp } from "./public-api.ts";
import { type MintOptions, mintSession } from "./sessions.ts";
import { createNotarizer } from "./session-jwt.ts";
import { type OrganizationOptions, seedOrganization, seedSubOrganization, seedWallet, type SubOrganizationOptions, type WalletOptions } from "./seeds.ts";
import { peekStampPublicKey } from "./stamp-verify.ts";
import { VerificationTokens } from "./verification-tokens.ts";
import { WalletStore } from "./wallets.ts";

export type { AuthProxyOptions } from "./auth-proxy-configs.ts";
export type { CredentialOptions } from "./credentials.ts";
export type { SentOtp } from "./otp.ts";
export type { Fault } from "./faults.ts";
export type { VerifiedStamp } from "./public-api.ts";
export type { MintOptions, MintResult } from "./sessions.ts";
export type { OrganizationOptions, SubOrganizationOptions, WalletOptions } from "./seeds.ts";

export interface StandinOptions {
  /** 0 = random. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
}

export interface ReceivedRequest {
  path: string;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed body, or undefined if it is not JSON. */
  body: unknown;
  /** The `publicKey` the X-Stamp names, if it can be read. */
  stampPublicKey?: string;
  /** The stamp that authenticated the request (API key, wallet, passkey or attested), once it verified. */
  verifiedStamp?: VerifiedStamp;
  /** The HTTP status answered; 0 while unanswered or when the connection was dropped. */
  status: number;
  /** When it arrived, epoch milliseconds. */
  at: number;
}

export interface ApiKeyInfo {
  publicKey: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  expiresAt?: number;
  invalidated: boolean;
}

export interface Standin {
  /** "http://127.0.0.1:<port>" */
  url: string;
  /** Compressed P-256 hex of the key that signs session JWTs. */
  notarizerPublicKey: string;
  /**
   * Uncompressed P-256 hex of the key that signs OTP target bundles and verification tokens: the
   * `dangerouslyOverrideSignerPublicKey` for `@turnkey/crypto`'s `encryptOtpCodeToBundle` and
   * `verifyOtpVerificationToken`.
   */
  otpSignerPublicKey: string;
  /** The auth proxy's base URL, core's `authProxyUrl`: "<url>/auth-proxy". */
  authProxyUrl: string;
  close(): Promise<void>;
  /** A session for a key pair the test made, as a first login gives it. */
  mint(opts: MintOptions): { session: string; organizationId: string; userId: string };
  /** Gives a user a passkey or a wallet key to stamp with (throws an ApiError for invalid options). */
  registerCredential(options: CredentialOptions): void;
  /** A new parent organization (a dApp's), with no users. */
  createOrganization(options?: OrganizationOptions): { organizationId: string };
  /** A sub-organization of a parent organization and its root user, as a signup makes them. */
  createSubOrganization(options: SubOrganizationOptions): { organizationId: string; userId: string };
  /** An embedded wallet with Ethereum accounts, for `list_wallets` and `list_wallet_accounts`. */
  createWallet(options: WalletOptions): { walletId: string; addresses: string[] };
  /** An auth proxy configuration for a parent organization (a new one by default): core's `authProxyUrl` and `authProxyConfigId`. */
  createAuthProxyConfig(options?: AuthProxyOptions): { authProxyUrl: string; authProxyConfigId: string; organizationId: string };
  /** The OTP codes "sent", oldest first, optionally to one email address or phone number. */
  sentOtps(contact?: string): SentOtp[];
  requests(filter?: { path?: string }): ReceivedRequest[];
  inject(fault: Fault): void;
  /** Forgets organizations, users, keys, activities, requests and faults. */
  reset(): void;
  apiKeys(userId: string): ApiKeyInfo[];
}

const API_PREFIX = "/public/v1/";

export async function startStandin(opts: StandinOptions = {}): Promise<Standin> {
  const host = opts.host ?? "127.0.0.1";
  const otpSigner = createOtpSigner();
  const state: ApiState = {
    directory: new Directory(),
    activities: new ActivityStore(),
    notarizer: createNotarizer(),
    credentials: new CredentialStore(),
    wallets: new WalletStore(),
    otps: new OtpStore(otpSigner),
    verificationTokens: new VerificationTokens(otpSigner),
    authProxyConfigs: new AuthProxyConfigs(),
  };
  const faults = new FaultQueue();
  let received: ReceivedRequest[] = [];
  const closing = new AbortController();

  async function serveApi(request: IncomingMessage, response: ServerResponse, path: string) {
    const headers = flattenHeaders(request);
    const record: ReceivedRequest = {
      path,
      method: request.method ?? "",
      headers,
      rawBody: "",
      body: undefined,
      stampPublicKey: peekStampPublicKey(headers["x-stamp"]),
      status: 0,
      at: Date.now(),
    };
    received.push(record);

    const { bytes, tooLarge } = await readBody(request);
    record.rawBody = bytes.toString("utf8");
    record.body = parseJsonOrUndefined(record.rawBody);

    const fault = faults.take(path);
    if (fault?.delayMs) {
      try {
        await sleep(fault.delayMs, undefined, { signal: closing.signal });
      } catch {
        return; // closing: the connection is being torn down
      }
    }
    if (fault?.drop) {
      request.socket.destroy();
      return;
    }

    let reply: Reply;
    if (fault?.status !== undefined) {
      reply = { status: fault.status, body: fault.body ?? errorForHttpStatus(fault.status).body() };
    } else if (tooLarge) {
      reply = errorReply(bodyTooLarge(MAX_BODY_BYTES));
    } else {
      reply = attempt(() =>
        path.startsWith(AUTH_PROXY_PREFIX)
          ? handleAuthProxyRequest(state, {
              path: path.slice(AUTH_PROXY_PREFIX.length),
              method: record.method,
              configId: headers["x-auth-proxy-config-id"],
              rawBody: bytes,
              now: Date.now(),
            })
          : handleApiRequest(state, {
              path,
              method: record.method,
              stampHeader: headers["x-stamp"],
              webauthnStampHeader: headers["x-stamp-webauthn"],
              attestedStampHeader: headers["x-stamp-attested"],
              onAuthenticated: (stamp) => (record.verifiedStamp = stamp),
              rawBody: bytes,
              fault,
              now: Date.now(),
            }),
      );
    }
    if (send(response, reply.status, reply.body)) record.status = reply.status;
  }

  async function serveControl(request: IncomingMessage, response: ServerResponse, url: URL) {
    const { bytes, tooLarge } = await readBody(request);
    const reply = tooLarge
      ? errorReply(bodyTooLarge(MAX_BODY_BYTES))
      : attempt(() => handleControlRequest(standin, request.method ?? "", url, bytes));
    send(response, reply.status, reply.body);
  }

  async function route(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? "/", "http://standin.invalid");
    if (request.method === "OPTIONS") {
      answerPreflight(request, response);
    } else if (url.pathname.startsWith(API_PREFIX) || url.pathname.startsWith(`${AUTH_PROXY_PREFIX}/`)) {
      await serveApi(request, response, url.pathname);
    } else if (url.pathname.startsWith(CONTROL_PREFIX)) {
      await serveControl(request, response, url);
    } else {
      const notFound = errorReply(routeNotFound());
      send(response, notFound.status, notFound.body);
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      console.error("turnkey stand-in: request failed", error);
      response.destroy();
    });
  });
  // Node's 5 s idle timeout races a client in the same process that reuses the socket right after a
  // long synchronous stretch (ECONNRESET); close() ends idle connections itself.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const standin: Standin = {
    url,
    notarizerPublicKey: state.notarizer.publicKey,
    otpSignerPublicKey: otpSigner.publicKey,
    authProxyUrl: url + AUTH_PROXY_PREFIX,

    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },

    mint(options) {
      return mintSession(state.directory, state.notarizer, options, Date.now());
    },

    registerCredential(options) {
      state.credentials.register(state.directory, options);
    },

    createOrganization(options) {
      return seedOrganization(state.directory, options);
    },

    createSubOrganization(options) {
      return seedSubOrganization(state.directory, options);
    },

    createWallet(options) {
      return seedWallet(state.directory, state.wallets, options, Date.now());
    },

    createAuthProxyConfig(options) {
      const config = state.authProxyConfigs.create(state.directory, options);
      return { authProxyUrl: url + AUTH_PROXY_PREFIX, authProxyConfigId: config.id, organizationId: config.organizationId };
    },

    sentOtps(contact) {
      return state.otps.outbox(contact);
    },

    requests(filter) {
      return received
        .filter((r) => filter?.path === undefined || r.path === filter.path)
        .map((r) => ({ ...r, headers: { ...r.headers }, ...(r.verifiedStamp ? { verifiedStamp: { ...r.verifiedStamp } } : {}) }));
    },

    inject(fault) {
      faults.add(fault);
    },

    reset() {
      state.directory.clear();
      state.activities.clear();
      state.credentials.clear();
      state.wallets.clear();
      state.otps.clear();
      state.verificationTokens.clear();
      state.authProxyConfigs.clear();
      faults.clear();
      received = [];
    },

    apiKeys(userId) {
      return (state.directory.user(userId)?.apiKeys ?? []).map((key) => ({ ...key }));
    },
  };
  return standin;
}

interface Reply {
  status: number;
  body: string;
}

/** 200 with `handle`'s result as JSON, or the error it throws as Turnkey would send it. */
function attempt(handle: () => unknown): Reply {
  try {
    return { status: 200, body: JSON.stringify(handle()) };
  } catch (error) {
    return errorReply(error);
  }
}

function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) return { status: error.httpStatus, body: error.body() };
  console.error("turnkey stand-in: unexpected error", error);
  return errorReply(internalError());
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
