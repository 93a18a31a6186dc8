/**
 * Client signatures: proof that whoever presents an OTP verification token holds the key it is
 * bound to, for the one use it is presented for (`v1ClientSignature` in `@turnkey/sdk-types`).
 *
 * The message is the JSON `@turnkey/core` builds (`getClientSignatureMessageForLogin` and
 * `getClientSignatureMessageForSignup` in `utils.mjs`): `{ login: { publicKey }, tokenId,
 * type: "USAGE_TYPE_LOGIN" }` or `{ signupV2: { apiKeys, authenticators, oauthProviders, email |
 * phoneNumber }, tokenId, type: "USAGE_TYPE_SIGNUP" }`; it must describe exactly the request it
 * comes with. The signature is ECDSA P-256/SHA-256 over the message's UTF-8 bytes by the token's
 * key, hex: raw r‖s as core's `signWithApiKey` makes it, or DER.
 */
import { isDeepStrictEqual } from "node:util";
import { p256 } from "@noble/curves/nist.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { ApiError, GrpcCode } from "./errors.ts";
import type { VerificationClaims } from "./verification-tokens.ts";

const SCHEME = "CLIENT_SIGNATURE_SCHEME_API_P256";
const HEX = /^(?:[0-9a-f]{2})+$/i;

const refused = (reason: string) => new ApiError(401, GrpcCode.Unauthenticated, `invalid client signature: ${reason}`);

/**
 * Checks `clientSignature` for a request whose use of the token is `usage` (e.g.
 * `{ login: { publicKey } }`), of type `type`.
 * @throws ApiError (401) naming the first check that failed.
 */
export function verifyClientSignature(
  clientSignature: unknown,
  token: VerificationClaims,
  type: "USAGE_TYPE_LOGIN" | "USAGE_TYPE_SIGNUP",
  usage: Record<string, unknown>,
): void {
  if (typeof clientSignature !== "object" || clientSignature === null) throw refused("missing");
  const { publicKey, scheme, message, signature } = clientSignature as Record<string, unknown>;
  if (scheme !== SCHEME) throw refused(`scheme must be ${SCHEME}`);
  if (publicKey !== token.public_key) throw refused("public key is not the verification token's");
  if (typeof message !== "string" || typeof signature !== "string" || !HEX.test(signature)) throw refused("message and signature must be strings (signature in hex)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw refused("message is not JSON");
  }
  if (!isDeepStrictEqual(parsed, { ...usage, tokenId: token.id, type })) throw refused("message does not describe this request");
  const bytes = hexToBytes(signature.toLowerCase());
  let valid: boolean;
  try {
    valid = p256.verify(bytes, new TextEncoder().encode(message), hexToBytes(publicKey), { format: bytes.length === 64 ? "compact" : "der", lowS: false });
  } catch {
    valid = false;
  }
  if (!valid) throw refused("signature does not verify");
}
