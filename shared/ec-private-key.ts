/**
 * The private scalar of a P-256 key exported by WebCrypto as PKCS#8 (RFC 5208 `PrivateKeyInfo`
 * around an RFC 5915 `ECPrivateKey`): the keystore encrypts these 32 bytes at rest. Read with
 * a small DER walk rather than at a fixed offset, since browsers differ in the optional fields
 * they include (the curve parameters, the public key).
 */

/** One DER element at `offset`: its tag, and where its contents start and end. */
function element(der: Uint8Array, offset: number): { tag: number; start: number; end: number } {
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (tag === undefined || length === undefined) throw new Error("PKCS#8: truncated");
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 2) throw new Error("PKCS#8: unsupported length");
    length = 0;
    for (let i = 0; i < octets; i++) length = (length << 8) | (der[start + i] ?? Number.NaN);
    start += octets;
  }
  const end = start + length;
  if (!(end <= der.length)) throw new Error("PKCS#8: truncated");
  return { tag, start, end };
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;

/** The DER element at `offset`, which must have tag `tag`. */
function elementWithTag(der: Uint8Array, offset: number, tag: number): { start: number; end: number } {
  const found = element(der, offset);
  if (found.tag !== tag) throw new Error(`PKCS#8: expected tag 0x${tag.toString(16)}, found 0x${found.tag.toString(16)}`);
  return found;
}

/** The 32-byte scalar `d`, as a view into `pkcs8` (zeroing `pkcs8` zeroes it). */
export function p256PrivateScalar<T extends ArrayBufferLike>(pkcs8: Uint8Array<T>): Uint8Array<T> {
  const info = elementWithTag(pkcs8, 0, SEQUENCE); // PrivateKeyInfo
  const version = elementWithTag(pkcs8, info.start, INTEGER);
  const algorithm = elementWithTag(pkcs8, version.end, SEQUENCE);
  const wrapped = elementWithTag(pkcs8, algorithm.end, OCTET_STRING);
  const ecKey = elementWithTag(pkcs8, wrapped.start, SEQUENCE); // ECPrivateKey
  const ecVersion = elementWithTag(pkcs8, ecKey.start, INTEGER);
  const scalar = elementWithTag(pkcs8, ecVersion.end, OCTET_STRING);
  if (scalar.end - scalar.start !== 32) throw new Error("PKCS#8: not a P-256 private key");
  return pkcs8.subarray(scalar.start, scalar.end);
}
