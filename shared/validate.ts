/**
 * Validation of everything a page can send (vault-contract.md): each vault method's arguments
 * are checked and normalised here before the background acts, so bad input fails with
 * `VALIDATION_ERROR` and changes nothing. Unknown keys are refused rather than ignored, so a
 * typo such as `expirationSecond` does not silently fall back to a default.
 */
import { TurnkeyError } from "./errors.ts";
import { isPlainObject } from "./plain-object.ts";
import {
  DEFAULT_SESSION_KEY,
  MAX_EXPIRATION_SECONDS,
  PAGE_STAMPER_TYPES,
  type RefreshSessionParams,
  type SignatureFormat,
  type SignOptions,
  type StampOptions,
  type StampWith,
  type StoreSessionParams,
} from "./protocol.ts";

const MAX_SESSION_KEY_LENGTH = 256;
import { MAX_STAMP_PAYLOAD_LENGTH } from "./stamp-messages.ts";

export { MAX_STAMP_PAYLOAD_LENGTH };
const DIGITS = /^[1-9][0-9]*$/;
const COMPRESSED_P256_HEX = /^0[23][0-9a-fA-F]{64}$/;
const STAMP_WITH: readonly StampWith[] = ["api-key", ...PAGE_STAMPER_TYPES];

function fail(message: string): never {
  throw new TurnkeyError(message, "VALIDATION_ERROR");
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

function payloadArg(value: unknown, what: string): string {
  if (typeof value !== "string") fail(`${what}: payload must be a string`);
  if (value.length > MAX_STAMP_PAYLOAD_LENGTH) fail(`${what}: payload is longer than ${MAX_STAMP_PAYLOAD_LENGTH} characters`);
  return value;
}

/** `stamp(payload, { sessionKey? } | { publicKey })`: one way to name the key, never both. */
export function stampArgs(args: readonly unknown[]): { payload: string; sessionKey?: string; publicKey?: string } {
  arity(args, 2, "stamp");
  const payload = payloadArg(args[0], "stamp");
  const p = params(args[1], ["sessionKey", "publicKey"] satisfies (keyof StampOptions)[], "stamp");
  if (p.sessionKey !== undefined && p.publicKey !== undefined) fail("stamp: give sessionKey or publicKey, not both");
  if (p.publicKey !== undefined) return { payload, publicKey: publicKeyHex(p.publicKey) };
  const key = optionalSessionKey(p.sessionKey);
  return key === undefined ? { payload } : { payload, sessionKey: key };
}

const SIGNATURE_FORMATS: readonly SignatureFormat[] = ["der", "raw"];

/** `sign(payload, { publicKey, format? })`; `format` defaults to `"der"`, as `@turnkey/api-key-stamper`'s. */
export function signArgs(args: readonly unknown[]): { payload: string; publicKey: string; format: SignatureFormat } {
  arity(args, 2, "sign");
  const payload = payloadArg(args[0], "sign");
  if (args[1] === undefined) fail("sign expects { publicKey }");
  const p = params(args[1], ["publicKey", "format"] satisfies (keyof SignOptions)[], "sign");
  if (p.format !== undefined && !SIGNATURE_FORMATS.includes(p.format as SignatureFormat)) fail(`sign: format must be one of ${SIGNATURE_FORMATS.join(", ")}`);
  return { payload, publicKey: publicKeyHex(p.publicKey), format: (p.format ?? "der") as SignatureFormat };
}

export function deleteKeyPairArgs(args: readonly unknown[]): string {
  arity(args, 1, "deleteKeyPair");
  if (args[0] === undefined) fail("deleteKeyPair expects { publicKey }");
  return publicKeyHex(params(args[0], ["publicKey"], "deleteKeyPair").publicKey);
}
