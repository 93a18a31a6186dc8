/**
 * Verifying Ethereum wallet stamps (`X-Stamp` with `SIGNATURE_SCHEME_TK_API_SECP256K1_EIP191`),
 * as Turnkey does (docs/turnkey.md#wallet-stamp).
 *
 * The format is what `@turnkey/wallet-stamper` 1.1 produces: base64url of the JSON
 * `{ publicKey, scheme, signature }`, where `publicKey` is the compressed secp256k1 key recovered
 * from the wallet's `personal_sign` signature, and `signature` is `toDerSignature` (from
 * `@turnkey/crypto`) of that signature's r ‖ s, the recovery byte dropped. `toDerSignature`
 * writes r and s as 32 bytes each (a 0x00 prefix only when the top bit is set), so an integer
 * with leading zero bytes is not minimally encoded: this parser accepts that, as Turnkey must.
 * The signed message is EIP-191's: keccak256("\x19Ethereum Signed Message:\n" + length + body),
 * over the exact body bytes.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { malformedStamp } from "./errors.ts";

export const WALLET_EIP191_SCHEME = "SIGNATURE_SCHEME_TK_API_SECP256K1_EIP191";

/** A decoded, well-formed wallet stamp. */
export interface WalletStamp {
  /** Compressed secp256k1, lowercase hex. */
  publicKey: string;
  r: bigint;
  s: bigint;
}

const COMPRESSED_HEX = /^0[23][0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;

/** r and s of a DER ECDSA signature; leading zero bytes in the integers are allowed. */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  let at = 2;
  const integer = (): bigint | undefined => {
    if (der[at] !== 0x02) return undefined;
    const length = der[at + 1]!;
    if (length === 0 || length > 33 || at + 2 + length > der.length) return undefined;
    const bytes = der.subarray(at + 2, at + 2 + length);
    if ((bytes[0]! & 0x80) !== 0) return undefined; // negative
    at += 2 + length;
    return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
  };
  const r = integer();
  const s = integer();
  return r === undefined || s === undefined || at !== der.length ? undefined : { r, s };
}

/**
 * A wallet stamp from the JSON inside an `X-Stamp` header whose scheme is EIP-191.
 * @throws ApiError (401) "malformed activity stamp" for a bad key or signature encoding.
 */
export function decodeWalletStamp(stamp: Record<string, unknown>): WalletStamp {
  const { publicKey, signature } = stamp;
  if (typeof publicKey !== "string" || !COMPRESSED_HEX.test(publicKey)) throw malformedStamp();
  try {
    secp256k1.Point.fromHex(publicKey);
  } catch {
    throw malformedStamp();
  }
  if (typeof signature !== "string" || !HEX.test(signature.toLowerCase())) throw malformedStamp();
  const parsed = parseDerSignature(hexToBytes(signature.toLowerCase()));
  const { n } = secp256k1.Point.CURVE();
  if (!parsed || parsed.r <= 0n || parsed.r >= n || parsed.s <= 0n || parsed.s >= n) throw malformedStamp();
  return { publicKey, ...parsed };
}

/** EIP-191 (`personal_sign`): keccak256 of the prefixed message bytes. */
export function eip191Digest(message: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${message.length}`);
  return keccak_256(new Uint8Array([...prefix, ...message]));
}

/** Whether the stamp's signature is the key's EIP-191 signature of exactly `body` (high-S accepted). */
export function verifyWalletStamp(stamp: WalletStamp, body: Uint8Array): boolean {
  try {
    const signature = new secp256k1.Signature(stamp.r, stamp.s).toBytes("compact");
    return secp256k1.verify(signature, eip191Digest(body), hexToBytes(stamp.publicKey), { prehash: false, lowS: false });
  } catch {
    return false;
  }
}
