/**
 * The page-stamping messages (docs/api.md#stampwith-passkeys-and-wallets): what a page stamper may return,
 * and the `StampRequest` / `StampReply` envelopes between background, content script and page,
 * each checked on the side that receives it. Kept apart from `validate.ts` (method arguments),
 * because the scripts in every page need these and not those.
 */
import { TurnkeyError } from "./errors.ts";
import { isPlainObject } from "./plain-object.ts";
import {
  PAGE_STAMP_HEADER_NAMES,
  PAGE_STAMPER_TYPES,
  STAMP_REFUSALS,
  type PageStamperType,
  type Stamp,
  type StampOutcome,
  type StampRefusal,
  type StampRequest,
} from "./protocol.ts";

/** Turnkey request bodies are small JSON; a megabyte is far above any real one. */
export const MAX_STAMP_PAYLOAD_LENGTH = 1 << 20;

function fail(message: string): never {
  throw new TurnkeyError(message, "VALIDATION_ERROR");
}

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
    if (typeof stampHeaderName !== "string" || typeof stampHeaderValue !== "string") return invalid("The stamper returned no stamp");
    if (stampHeaderName.length > 64 || stampHeaderValue.length > MAX_STAMP_HEADER_VALUE_LENGTH) return invalid("The stamper's result is too large");
    return { requestId, outcome: { ok: true, stamp: { stampHeaderName, stampHeaderValue } } };
  }
  if (outcome.ok !== false || !STAMP_REFUSALS.includes(outcome.reason as StampRefusal)) return invalid("The page's answer was not understood");
  const message = typeof outcome.message === "string" ? outcome.message.slice(0, MAX_REFUSAL_MESSAGE_LENGTH) : "";
  return { requestId, outcome: { ok: false, reason: outcome.reason as StampRefusal, message } };
}
