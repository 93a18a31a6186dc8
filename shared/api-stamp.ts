/**
 * Turnkey's API-key stamp (docs/turnkey.md#api-key-stamp): the `X-Stamp` header value is base64url (no
 * padding) of `{"publicKey","scheme":"SIGNATURE_SCHEME_TK_API_P256","signature":<DER hex>}`,
 * the signature being ECDSA P-256/SHA-256 over the exact request body bytes. Same field order
 * as `@turnkey/api-key-stamper`.
 */
import { base64UrlEncodeAscii, bytesToHex } from "./bytes.ts";
import type { Stamp } from "./protocol.ts";

export const API_KEY_STAMP_HEADER = "X-Stamp";
export const API_KEY_STAMP_SCHEME = "SIGNATURE_SCHEME_TK_API_P256";

const HEX = /^[0-9a-f]+$/i;

export function encodeApiKeyStamp(publicKeyHex: string, derSignature: Uint8Array): Stamp {
  // Hex digits and the scheme's name: the JSON is ASCII, encoded as it is (no UTF-8 step).
  if (!HEX.test(publicKeyHex)) throw new TypeError("the stamp's public key is not hex");
  const stamp = { publicKey: publicKeyHex, scheme: API_KEY_STAMP_SCHEME, signature: bytesToHex(derSignature) };
  return { stampHeaderName: API_KEY_STAMP_HEADER, stampHeaderValue: base64UrlEncodeAscii(JSON.stringify(stamp)) };
}
