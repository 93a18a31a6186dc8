/**
 * Our X-Stamp against Turnkey's own `@turnkey/api-key-stamper`: same header, same JSON shape
 * and field order, and each side's signature verifies with an independent check (noble, high-S
 * allowed, as Turnkey verifies).
 */
import { p256 } from "@noble/curves/nist.js";
import { ApiKeyStamper } from "@turnkey/api-key-stamper";
import { describe, expect, it } from "vitest";
import { encodeApiKeyStamp } from "./api-stamp.ts";
import { base64UrlDecode, bytesToHex, hexToBytes, utf8Decode, utf8Encode } from "./bytes.ts";

const body = JSON.stringify({ organizationId: "org", timestampMs: "1700000000000", type: "ACTIVITY_TYPE_STAMP_LOGIN" });

function decodeStamp(value: string) {
  return JSON.parse(utf8Decode(base64UrlDecode(value))) as { publicKey: string; scheme: string; signature: string };
}

function verifies(stamp: { publicKey: string; signature: string }, payload: string): boolean {
  return p256.verify(hexToBytes(stamp.signature), utf8Encode(payload), hexToBytes(stamp.publicKey), { format: "der", lowS: false });
}

describe("encodeApiKeyStamp", () => {
  const secretKey = p256.utils.randomSecretKey();
  const publicKey = bytesToHex(p256.getPublicKey(secretKey, true));
  const apiPrivateKey = bytesToHex(secretKey);

  it("matches the shape of @turnkey/api-key-stamper's stamp", async () => {
    const theirs = await new ApiKeyStamper({ apiPublicKey: publicKey, apiPrivateKey }).stamp(body);
    const ours = encodeApiKeyStamp(publicKey, p256.sign(utf8Encode(body), secretKey, { format: "der" }));

    expect(ours.stampHeaderName).toBe(theirs.stampHeaderName);
    expect(ours.stampHeaderValue).toMatch(/^[A-Za-z0-9_-]+$/);
    const [mine, reference] = [decodeStamp(ours.stampHeaderValue), decodeStamp(theirs.stampHeaderValue)];
    expect(Object.keys(mine)).toEqual(Object.keys(reference));
    expect(mine.publicKey).toBe(reference.publicKey);
    expect(mine.scheme).toBe(reference.scheme);
    expect(verifies(reference, body)).toBe(true);
    expect(verifies(mine, body)).toBe(true);
  });

  it("signs the exact body bytes: any change breaks the signature", () => {
    const stamp = decodeStamp(encodeApiKeyStamp(publicKey, p256.sign(utf8Encode(body), secretKey, { format: "der" })).stampHeaderValue);
    expect(verifies(stamp, body.replace("org", "orh"))).toBe(false);
    expect(verifies(stamp, body + " ")).toBe(false);
  });
});
