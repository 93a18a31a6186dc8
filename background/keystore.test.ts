import { p256 } from "@noble/curves/nist.js";
import { describe, expect, it, vi } from "vitest";
import { hexToBytes, utf8Encode } from "../shared/bytes.ts";
import { Keystore, rawSignatureToDer } from "./keystore.ts";

describe("rawSignatureToDer", () => {
  it("encodes r ‖ s exactly as @noble/curves does, including leading zeros and high bits", () => {
    const cases = [
      new Uint8Array(64).fill(0x11),
      new Uint8Array(64).fill(0xfe), // high bit set, still below the group order
      Uint8Array.from({ length: 64 }, (_, i) => (i < 3 || (i >= 32 && i < 34) ? 0 : 0x80 + i)),
    ];
    for (let i = 0; i < 50; i++) cases.push(crypto.getRandomValues(new Uint8Array(64)));
    for (const raw of cases) {
      const viaNoble = p256.Signature.fromBytes(raw, "compact").toBytes("der");
      expect(rawSignatureToDer(raw)).toEqual(viaNoble);
    }
  });
});

describe("Keystore", () => {
  it("makes compressed P-256 keys whose WebCrypto signatures verify with an independent implementation", async () => {
    const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const keystore = new Keystore(async () => wrappingKey);
    for (let i = 0; i < 10; i++) {
      const record = await keystore.generate("https://a.test", "login", 0);
      expect(record.publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
      const message = utf8Encode(`{"n":${i}}`);
      const der = await keystore.sign(record, message);
      expect(p256.verify(der, message, hexToBytes(record.publicKey), { format: "der", lowS: false })).toBe(true);
      expect(p256.verify(der, utf8Encode(`{"n":${i + 1}}`), hexToBytes(record.publicKey), { format: "der", lowS: false })).toBe(false);
    }
  });

  it("will not sign with a record whose origin was changed", async () => {
    const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const record = await new Keystore(async () => wrappingKey).generate("https://a.test", "login", 0);
    await expect(new Keystore(async () => wrappingKey).sign({ ...record, origin: "https://b.test" }, utf8Encode("{}"))).rejects.toThrow();
  });
});

describe("Keystore raw signatures", () => {
  it("signs r ‖ s (64 bytes) that verify as a compact signature, and DER by default", async () => {
    const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const keystore = new Keystore(async () => wrappingKey);
    const record = await keystore.generate("https://a.test", "login", 0);
    const message = utf8Encode('{"raw":true}');
    const raw = await keystore.sign(record, message, "raw");
    expect(raw).toHaveLength(64);
    expect(p256.verify(raw, message, hexToBytes(record.publicKey), { format: "compact", lowS: false })).toBe(true);
    expect(p256.verify(raw, utf8Encode('{"raw":false}'), hexToBytes(record.publicKey), { format: "compact", lowS: false })).toBe(false);
    const der = await keystore.sign(record, message);
    expect(der[0]).toBe(0x30);
    expect(p256.verify(der, message, hexToBytes(record.publicKey), { format: "der", lowS: false })).toBe(true);
  });
});

describe("Keystore signing keys of new key pairs", () => {
  /** A wrapping key that can be taken away, as a decryption that would fail. */
  async function revocableWrappingKey() {
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const access = { allowed: true };
    return { access, wrappingKey: async () => (access.allowed ? key : Promise.reject(new Error("no wrapping key"))) };
  }

  it("signs with a key pair it made without decrypting its record; after forget it must decrypt again", async () => {
    const { access, wrappingKey } = await revocableWrappingKey();
    const keystore = new Keystore(wrappingKey);
    const record = await keystore.generate("https://a.test", "refresh", 0);
    access.allowed = false;
    const message = utf8Encode('{"first":"signature"}');
    const der = await keystore.sign(record, message);
    expect(p256.verify(der, message, hexToBytes(record.publicKey), { format: "der", lowS: false })).toBe(true);

    keystore.forget(record.publicKey);
    await expect(keystore.sign(record, message)).rejects.toThrow("no wrapping key");
    access.allowed = true;
    expect(p256.verify(await keystore.sign(record, message), message, hexToBytes(record.publicKey), { format: "der", lowS: false })).toBe(true);
  });

  it("zeroes the exported private key once the record is sealed", async () => {
    const { wrappingKey } = await revocableWrappingKey();
    const exported: ArrayBuffer[] = [];
    const exportKey = crypto.subtle.exportKey.bind(crypto.subtle) as (...args: unknown[]) => Promise<ArrayBuffer>;
    const spy = vi.spyOn(crypto.subtle, "exportKey").mockImplementation((async (format: string, key: CryptoKey) => {
      const result = await exportKey(format, key);
      if (format === "pkcs8") exported.push(result);
      return result;
    }) as never);
    try {
      await new Keystore(wrappingKey).generate("https://a.test", "login", 0);
    } finally {
      spy.mockRestore();
    }
    expect(exported).toHaveLength(1);
    expect(new Uint8Array(exported[0]!).every((byte) => byte === 0)).toBe(true);
  });

  it("keeps the cached signing key non-extractable", async () => {
    const { wrappingKey } = await revocableWrappingKey();
    const keystore = new Keystore(wrappingKey);
    const record = await keystore.generate("https://a.test", "login", 0);
    const cached = await (keystore as unknown as { signingKeys: Map<string, Promise<CryptoKey>> }).signingKeys.get(record.publicKey);
    expect(cached?.extractable).toBe(false);
    expect(cached?.usages).toEqual(["sign"]);
    await expect(crypto.subtle.exportKey("jwk", cached!)).rejects.toThrow();
  });

  it("hands out a new key pair's public key before its record is sealed, and seals once; the record is its, and a failed seal rejects", async () => {
    const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    let releaseWrappingKey!: () => void;
    const wrappingKeyReady = new Promise<void>((resolve) => (releaseWrappingKey = resolve));
    const keystore = new Keystore(async () => (await wrappingKeyReady, wrappingKey));
    const { publicKey, seal } = await keystore.generateSealedLater("https://a.test", "refresh", 7);
    expect(publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    const sealed = seal();
    expect(seal()).toBe(sealed);
    let settled = false;
    void sealed.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false); // still waiting for the wrapping key
    releaseWrappingKey();
    const record = await sealed;
    expect(record).toMatchObject({ publicKey, origin: "https://a.test", purpose: "refresh", createdAt: 7 });
    // A fresh keystore (a restarted worker) decrypts the record and signs for that public key.
    const message = utf8Encode("{}");
    const der = await new Keystore(async () => wrappingKey).sign(record, message);
    expect(p256.verify(der, message, hexToBytes(publicKey), { format: "der", lowS: false })).toBe(true);

    const failing = new Keystore(async () => Promise.reject(new Error("no wrapping key")));
    await expect((await failing.generateSealedLater("https://a.test", "refresh", 0)).seal()).rejects.toThrow("no wrapping key");
  });
});
