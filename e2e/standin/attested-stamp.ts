/**
 * Verifying attested stamps (`X-Stamp-Attested`), as `@turnkey/core`'s `loginWithOtp` sends
 * them on `stamp_login` (`__stampers__/attested/base.mjs`).
 *
 * The header is base64url of the JSON `{ publicKeyAttestation, scheme, publicKey, signature }`:
 * with scheme `STAMP_ATTESTED_SCHEME_P256_VERIFICATION_TOKEN` the attestation is an OTP
 * verification token, `publicKey` the compressed P-256 key it is bound to, and `signature` a
 * DER ECDSA P-256/SHA-256 signature over the exact body bytes by that key (made with core's
 * api-key stamper's `sign(payload, "der", publicKey)`; high-S accepted, as for API keys). The
 * OIDC scheme (`STAMP_ATTESTED_SCHEME_P256_OIDC`, OAuth logins) is not served by the stand-in.
 */
import { p256 } from "@noble/curves/nist.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { ApiError, badSignature, GrpcCode, malformedStamp, unreadableStamp } from "./errors.ts";
import { isCompressedP256PublicKey } from "./stamp-verify.ts";

export const ATTESTED_STAMP_HEADER = "X-Stamp-Attested";
const VERIFICATION_TOKEN_SCHEME = "STAMP_ATTESTED_SCHEME_P256_VERIFICATION_TOKEN";
const OIDC_SCHEME = "STAMP_ATTESTED_SCHEME_P256_OIDC";
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const HEX = /^(?:[0-9a-f]{2})+$/i;

/** A decoded, well-formed attested stamp. */
export interface AttestedStamp {
  /** The verification token, not yet verified. */
  verificationToken: string;
  publicKey: string;
  /** DER-encoded. */
  signature: Uint8Array;
}

/**
 * Decodes an `X-Stamp-Attested` header.
 * @throws ApiError (401) when it is not base64url JSON of the verification-token scheme's fields.
 */
export function decodeAttestedStamp(header: string): AttestedStamp {
  if (!BASE64URL.test(header)) throw unreadableStamp();
  let stamp: unknown;
  try {
    stamp = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  } catch {
    throw unreadableStamp();
  }
  if (typeof stamp !== "object" || stamp === null) throw unreadableStamp();
  const { publicKeyAttestation, scheme, publicKey, signature } = stamp as Record<string, unknown>;
  if (scheme === OIDC_SCHEME) throw new ApiError(501, GrpcCode.Unimplemented, "the stand-in does not serve OIDC attested stamps");
  if (scheme !== VERIFICATION_TOKEN_SCHEME || typeof publicKeyAttestation !== "string" || !isCompressedP256PublicKey(publicKey)) throw malformedStamp();
  if (typeof signature !== "string" || !HEX.test(signature)) throw malformedStamp();
  const der = hexToBytes(signature.toLowerCase());
  try {
    p256.Signature.fromBytes(der, "der");
  } catch {
    throw malformedStamp();
  }
  return { verificationToken: publicKeyAttestation, publicKey, signature: der };
}

/**
 * Checks that the stamp's key signed exactly `body`.
 * @throws ApiError (401) "could not verify api key signature" otherwise.
 */
export function verifyAttestedSignature(stamp: AttestedStamp, body: Uint8Array): void {
  if (!p256.verify(stamp.signature, body, hexToBytes(stamp.publicKey), { format: "der", lowS: false })) throw badSignature();
}
