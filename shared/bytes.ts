/**
 * Byte encodings used across the vault: hex, base64url (RFC 4648 §5, no padding) and UTF-8.
 * Turnkey's stamps and session JWTs use base64url; plain base64 would drop `-` and `_`
 * (one of the SDK defects in docs/turnkey.md#sdk-defects-the-vault-avoids), so decoding here is strict.
 */

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
/** Every byte's two hex digits: a stamp writes ~70 bytes as hex, and a lookup beats formatting each. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += HEX_BYTES[byte];
  return hex;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!HEX.test(hex)) throw new TypeError("not a hex string");
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return base64UrlEncodeAscii(binary);
}

/**
 * base64url of a string whose characters are all below 0x80 (or, for `base64UrlEncode`, bytes as
 * Latin-1): such a string is its own UTF-8, so `btoa` encodes it with no byte array in between.
 */
export function base64UrlEncodeAscii(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url; accepts missing or present `=` padding, rejects the `+`/`/` alphabet. */
export function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  const unpadded = text.replace(/={0,2}$/, "");
  if (!BASE64URL.test(unpadded) || unpadded.length % 4 === 1) throw new TypeError("not base64url");
  const base64 = unpadded.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export const utf8Encode = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text) as Uint8Array<ArrayBuffer>;
export const utf8Decode = (bytes: Uint8Array): string => decoder.decode(bytes);
