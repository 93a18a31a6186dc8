import { describe, expect, it } from "vitest";
import { base64UrlDecode } from "./bytes.ts";
import { p256PrivateScalar } from "./ec-private-key.ts";

describe("p256PrivateScalar", () => {
  it("reads the scalar that the JWK export of the same key names d", async () => {
    for (let i = 0; i < 20; i++) {
      const { privateKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
      const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
      const jwk = await crypto.subtle.exportKey("jwk", privateKey);
      expect(p256PrivateScalar(pkcs8)).toEqual(base64UrlDecode(jwk.d!));
    }
  });

  it("reads it with or without the optional curve parameters and public key (browsers differ)", () => {
    const d = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const oid = [0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const wrap = (ecKeyTail: number[]) => {
      const ecKey = [0x02, 0x01, 0x01, 0x04, 0x20, ...d, ...ecKeyTail];
      const octets = [0x30, ecKey.length, ...ecKey];
      const body = [0x02, 0x01, 0x00, ...oid, 0x04, octets.length, ...octets];
      return new Uint8Array(body.length < 0x80 ? [0x30, body.length, ...body] : [0x30, 0x81, body.length, ...body]);
    };
    const params = [0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const publicKey = [0xa1, 0x44, 0x03, 0x42, 0x00, 0x04, ...new Uint8Array(64).fill(9)];
    for (const tail of [[], params, publicKey, [...params, ...publicKey]]) expect(p256PrivateScalar(wrap(tail))).toEqual(d);
  });

  it("refuses what is not a P-256 PKCS#8 private key", () => {
    expect(() => p256PrivateScalar(new Uint8Array([0x30, 0x05, 0x02, 0x01]))).toThrow("truncated");
    expect(() => p256PrivateScalar(new Uint8Array([0x04, 0x00]))).toThrow("expected tag 0x30");
    const short = [0x30, 0x0c, 0x02, 0x01, 0x00, 0x30, 0x00, 0x04, 0x05, 0x30, 0x03, 0x02, 0x01, 0x01];
    expect(() => p256PrivateScalar(new Uint8Array(short))).toThrow();
  });
});
