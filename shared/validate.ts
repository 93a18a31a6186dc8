/**
 * Validation of everything a page can send (vault-contract.md): each vault method's arguments
 * are checked and normalised here before the background acts, so bad input fails with
 * `VALIDATION_ERROR` and changes nothing. Unknown keys are refused rather than ignored, so a
 * typo such as `expirationSecond` does not silently fall back to a default. The page-stamping
 * messages (`StampRequest`, `StampReply`) are checked here too, on each side that receives them.
 */
import { TurnkeyError } from "./errors.ts";
import {
  DEFAULT_SESSION_KEY,
  MAX_EXPIRATION_SECONDS,
  PAGE_STAMP_HEADER_NAMES,
  PAGE_STAMPER_TYPES,
  STAMP_REFUSALS,
  type PageStamperType,
  type RefreshSessionParams,
  type Stamp,
  type StampOutcome,
  type StampRefusal,
  type StampRequest,
  type StampWith,
  type StoreSessionParams,
} from "./protocol.ts";

const MAX_SESSION_KEY_LENGTH = 256;
/** Turnkey request bodies are small JSON; a megabyte is far above any real one. */
export const MAX_STAMP_PAYLOAD_LENGTH = 1 << 20;
const DIGITS = /^[1-9][0-9]*$/;
const COMPRESSED_P256_HEX = /^0[23][0-9a-fA-F]{64}$/;
const STAMP_WITH: readonly StampWith[] = ["api-key", ...PAGE_STAMPER_TYPES];

function fail(message: string): never {
  throw new TurnkeyError(message, "VALIDATION_ERROR");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An optional params object: `undefined` is `{}`; keys set to `undefined` count as absent. */
function params(value: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) fail(`${what} expects a params object`);
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!allowed.includes(key)) fail(`${what}: unknown parameter "${key}"`);
    if (entry !== undefined) result[key] = entry;
  }
  return result;
}

function arity(args: readonly unknown[], max: number, what: string): void {
  if (args.length > max) fail(`${what} takes at most ${max} argument${max === 1 ? "" : "s"}`);
}

/** Names that mean something to every JS object; never session keys. */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function sessionKey(value: unknown, what = "sessionKey"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_SESSION_KEY_LENGTH) {
    fail(`${what} must be a non-empty string of at most ${MAX_SESSION_KEY_LENGTH} characters`);
  }
  if (RESERVED_KEYS.has(value)) fail(`${what} may not be "${value}"`);
  return value;
}

const optionalSessionKey = (value: unknown): string | undefined => (value === undefined ? undefined : sessionKey(value));

export function publicKeyHex(value: unknown): string {
  if (typeof value !== "string" || !COMPRESSED_P256_HEX.test(value)) {
    fail("publicKey must be a compressed P-256 public key in hex (02/03 followed by 64 hex digits)");
  }
  return value.toLowerCase();
}

/** `"900"`, `900` → `"900"`; anything but a whole number of seconds in 1..one year fails. */
export function expirationSeconds(value: unknown): string {
  const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== "string" || !DIGITS.test(text) || Number(text) > MAX_EXPIRATION_SECONDS) {
    fail(`expirationSeconds must be a whole number of seconds from 1 to ${MAX_EXPIRATION_SECONDS}`);
  }
  return text;
}

/** Where a session may be refreshed: `https:` anywhere, plain `http:` only on this machine. */
export function apiBaseUrl(value: unknown): string {
  if (typeof value !== "string" || value.length > 2048) fail("apiBaseUrl must be a URL string");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`apiBaseUrl is not a valid URL: ${value}`);
  }
  const local = url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
  if (url.protocol !== "https:" && !local) fail("apiBaseUrl must use https: (or http://localhost, http://127.0.0.1)");
  if (url.username || url.password || url.search || url.hash) fail("apiBaseUrl must not carry credentials, a query or a fragment");
  return (url.origin + url.pathname).replace(/\/+$/, "");
}

export interface StoreSessionInput {
  sessionToken: string;
  sessionKey: string;
  apiBaseUrl?: string;
}

export function storeSessionArgs(args: readonly unknown[]): StoreSessionInput {
  arity(args, 1, "storeSession");
  if (args[0] === undefined) fail("storeSession expects { sessionToken }");
  const p = params(args[0], ["sessionToken", "sessionKey", "apiBaseUrl"] satisfies (keyof StoreSessionParams)[], "storeSession");
  if (typeof p.sessionToken !== "string" || p.sessionToken.length === 0) fail("storeSession: sessionToken must be a non-empty string");
  const input: StoreSessionInput = { sessionToken: p.sessionToken, sessionKey: optionalSessionKey(p.sessionKey) ?? DEFAULT_SESSION_KEY };
  if (p.apiBaseUrl !== undefined) input.apiBaseUrl = apiBaseUrl(p.apiBaseUrl);
  return input;
}

export interface RefreshSessionInput {
  sessionKey?: string;
  expirationSeconds?: string;
  invalidateExisting: boolean;
  publicKey?: string;
  stampWith: StampWith;
}

export function refreshSessionArgs(args: readonly unknown[]): RefreshSessionInput {
  arity(args, 1, "refreshSession");
  const p = params(
    args[0],
    ["sessionKey", "expirationSeconds", "invalidateExisitng", "invalidateExisting", "publicKey", "stampWith"] satisfies (keyof RefreshSessionParams)[],
    "refreshSession",
  );
  for (const flag of ["invalidateExisitng", "invalidateExisting"]) {
    if (p[flag] !== undefined && typeof p[flag] !== "boolean") fail(`refreshSession: ${flag} must be a boolean`);
  }
  if (p.invalidateExisitng !== undefined && p.invalidateExisting !== undefined && p.invalidateExisitng !== p.invalidateExisting) {
    fail("refreshSession: invalidateExisitng and invalidateExisting disagree");
  }
  if (p.stampWith !== undefined && !STAMP_WITH.includes(p.stampWith as StampWith)) {
    fail(`refreshSession: stampWith must be one of ${STAMP_WITH.join(", ")}`);
  }
  const input: RefreshSessionInput = {
    invalidateExisting: (p.invalidateExisting ?? p.invalidateExisitng ?? false) as boolean,
    stampWith: (p.stampWith ?? "api-key") as StampWith,
  };
  if (p.sessionKey !== undefined) input.sessionKey = sessionKey(p.sessionKey);
  if (p.expirationSeconds !== undefined) input.expirationSeconds = expirationSeconds(p.expirationSeconds);
  if (p.publicKey !== undefined) input.publicKey = publicKeyHex(p.publicKey);
  return input;
}

/** For methods whose only argument is an optional `{ sessionKey? }`. */
export function optionalSessionKeyArgs(args: readonly unknown[], what: string): string | undefined {
  arity(args, 1, what);
  return optionalSessionKey(params(args[0], ["sessionKey"], what).sessionKey);
}

export function requiredSessionKeyArgs(args: readonly unknown[], what: string): string {
  arity(args, 1, what);
  if (args[0] === undefined) fail(`${what} expects { sessionKey }`);
  return sessionKey(params(args[0], ["sessionKey"], what).sessionKey);
}

export function noArgs(args: readonly unknown[], what: string): void {
  arity(args, 0, what);
}

export function stampArgs(args: readonly unknown[]): { payload: string; sessionKey?: string } {
  arity(args, 2, "stamp");
  const payload = args[0];
  if (typeof payload !== "string") fail("stamp: payload must be a string");
  if (payload.length > MAX_STAMP_PAYLOAD_LENGTH) fail(`stamp: payload is longer than ${MAX_STAMP_PAYLOAD_LENGTH} characters`);
  const key = optionalSessionKey(params(args[1], ["sessionKey"], "stamp").sessionKey);
  return key === undefined ? { payload } : { payload, sessionKey: key };
}

// ---- page stamping (vault-contract.md, stampWith) ----

/** A WebAuthn stamp (authenticator data, client data, credential id, signature) is a few KB at most. */
export const MAX_STAMP_HEADER_VALUE_LENGTH = 16 * 1024;
/** What a refusal may say; longer messages are cut. */
export const MAX_REFUSAL_MESSAGE_LENGTH = 500;
/** Printable ASCII without leading or trailing space: a header value that cannot split a request. */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

/** `"passkey"` or `"wallet"`, else `VALIDATION_ERROR`. */
export function stamperType(value: unknown, what: string): PageStamperType {
  if (!PAGE_STAMPER_TYPES.includes(value as PageStamperType)) fail(`${what}: type must be one of ${PAGE_STAMPER_TYPES.join(", ")}`);
  return value as PageStamperType;
}

/**
 * A page stamper's result, before it goes to Turnkey: exactly the header its type stamps with
 * (`X-Stamp-Webauthn` for a passkey, `X-Stamp` for a wallet) and a bounded header-safe value.
 */
export function pageStamp(value: unknown, type: PageStamperType): Stamp {
  const { stampHeaderName, stampHeaderValue } = (isPlainObject(value) ? value : {}) as Partial<Record<keyof Stamp, unknown>>;
  const expected = PAGE_STAMP_HEADER_NAMES[type];
  if (stampHeaderName !== expected) {
    fail(`The ${type} stamper returned the header ${JSON.stringify(String(stampHeaderName)).slice(0, 60)}; a ${type} stamp must be ${expected}`);
  }
  if (typeof stampHeaderValue !== "string" || stampHeaderValue.length > MAX_STAMP_HEADER_VALUE_LENGTH || !HEADER_VALUE.test(stampHeaderValue)) {
    fail(`The ${type} stamper returned a stampHeaderValue that is not a header value of at most ${MAX_STAMP_HEADER_VALUE_LENGTH} printable ASCII characters`);
  }
  return { stampHeaderName: expected, stampHeaderValue };
}

/** A stamp request as the page side receives it; anything else is `undefined` (and ignored). */
export function stampRequest(value: unknown): StampRequest | undefined {
  if (!isPlainObject(value) || value.channel !== "stamp-request") return undefined;
  const { requestId, stampWith, payload } = value;
  if (typeof requestId !== "string" || !REQUEST_ID.test(requestId)) return undefined;
  if (!PAGE_STAMPER_TYPES.includes(stampWith as PageStamperType)) return undefined;
  if (typeof payload !== "string" || payload.length > MAX_STAMP_PAYLOAD_LENGTH) return undefined;
  return { channel: "stamp-request", requestId, stampWith: stampWith as PageStamperType, payload };
}

/**
 * A stamp reply's request id and outcome, rebuilt from plain strings; `undefined` when it is not
 * a reply to any request. A reply whose outcome is malformed still answers its request, as a
 * failure (the stamp's header name is checked later, against the type that was asked for).
 */
export function stampReply(value: unknown): { requestId: string; outcome: StampOutcome } | undefined {
  if (!isPlainObject(value) || value.channel !== "stamp-reply") return undefined;
  const { requestId, outcome } = value;
  if (typeof requestId !== "string" || !REQUEST_ID.test(requestId)) return undefined;
  const invalid = (message: string): { requestId: string; outcome: StampOutcome } => ({ requestId, outcome: { ok: false, reason: "invalid-stamp", message } });
  if (!isPlainObject(outcome)) return invalid("The page answered without an outcome");
  if (outcome.ok === true) {
    const { stampHeaderName, stampHeaderValue } = isPlainObject(outcome.stamp) ? outcome.stamp : ({} as Record<string, unknown>);
    if (typeof stampHeaderName !== "string" || typeof stampHeaderValue !== "string") return invalid("The stamper's result has no stampHeaderName and stampHeaderValue strings");
    if (stampHeaderName.length > 64 || stampHeaderValue.length > MAX_STAMP_HEADER_VALUE_LENGTH) return invalid("The stamper's result is too large to be a stamp");
    return { requestId, outcome: { ok: true, stamp: { stampHeaderName, stampHeaderValue } } };
  }
  if (outcome.ok !== false || !STAMP_REFUSALS.includes(outcome.reason as StampRefusal)) return invalid("The page's answer was not understood");
  const message = typeof outcome.message === "string" ? outcome.message.slice(0, MAX_REFUSAL_MESSAGE_LENGTH) : "";
  return { requestId, outcome: { ok: false, reason: outcome.reason as StampRefusal, message } };
}
