/**
 * Verifying API-key stamps (`X-Stamp`), as Turnkey does. (Wallet stamps share the header with
 * another scheme: wallet-stamp.ts; passkey stamps have their own: webauthn-stamp.ts.)
 *
 * The header is base64url (padding optional) of the JSON
 * `{ publicKey, scheme: "SIGNATURE_SCHEME_TK_API_P256", signature }`: a compressed P-256 public
 * key in hex and a DER ECDSA P-256/SHA-256 signature in hex over the exact request body bytes.
 * Turnkey's stampers do not normalise signatures to low-S, so high-S ones are accepted.
 */
import { p256 } from "@noble/curves/nist.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { malformedStamp, missingStamp, unreadableStamp } from "./errors.ts";

const API_KEY_SCHEME = "SIGNATURE_SCHEME_TK_API_P256";

/** A decoded, well-formed API-key stamp. */
export interface ApiKeyStamp {
  publicKey: string;
  /** DER-encoded signature. */
  signature: Uint8Array;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const COMPRESSED_P256_HEX = /^0[23][0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})+$/i;

/** Whether `value` is lowercase hex of a compressed P-256 point that lies on the curve. */
export function isCompressedP256PublicKey(value: unknown): value is string {
  if (typeof value !== "string" || !COMPRESSED_P256_HEX.test(value)) return false;
  try {
    p256.Point.fromHex(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The JSON object inside the `X-Stamp` header of a request to `path` (any scheme).
 * @throws ApiError (401) when the header is missing or not base64url JSON.
 */
export function readStamp(header: string | undefined, path: string): Record<string, unknown> {
  if (header === undefined || header === "") throw missingStamp(path);
  if (!BASE64URL.test(header)) throw unreadableStamp();
  let stamp: unknown;
  try {
    stamp = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  } catch {
    throw unreadableStamp();
  }
  if (typeof stamp !== "object" || stamp === null) throw unreadableStamp();
  return stamp as Record<string, unknown>;
}

/**
 * Decodes the `X-Stamp` header of a request to `path` as an API-key stamp.
 * @throws ApiError (401) when the header is missing, not base64url JSON, or malformed.
 */
export function decodeStamp(header: string | undefined, path: string): ApiKeyStamp {
  return decodeApiKeyStamp(readStamp(header, path));
}

/**
 * An API-key stamp from the JSON inside an `X-Stamp` header.
 * @throws ApiError (401) "malformed activity stamp" for another scheme or a bad key or signature.
 */
export function decodeApiKeyStamp(stamp: Record<string, unknown>): ApiKeyStamp {
  const { publicKey, scheme, signature } = stamp;
  if (scheme !== API_KEY_SCHEME || !isCompressedP256PublicKey(publicKey)) throw malformedStamp();
  if (typeof signature !== "string" || !HEX.test(signature)) throw malformedStamp();
  const der = hexToBytes(signature.toLowerCase());
  try {
    p256.Signature.fromBytes(der, "der");
  } catch {
    throw malformedStamp();
  }
  return { publicKey, signature: der };
}

/** The `publicKey` a stamp header claims, well-formed or not (for the request log). */
export function peekStampPublicKey(header: string | undefined): string | undefined {
  try {
    const { publicKey } = JSON.parse(Buffer.from(header ?? "", "base64url").toString("utf8"));
    return typeof publicKey === "string" ? publicKey : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the stamp's signature covers exactly `body` (high-S accepted). */
export function verifyStamp(stamp: ApiKeyStamp, body: Uint8Array): boolean {
  return p256.verify(stamp.signature, body, hexToBytes(stamp.publicKey), {
    format: "der",
    lowS: false,
  });
}
