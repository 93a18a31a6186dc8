/**
 * Bench-only probe, evaluated inside the vault's own running service worker (through
 * Playwright's worker handle, i.e. CDP `Runtime.evaluate`) to measure stamping where the vault
 * stamps. It bundles the vault's real stamping code — `Keystore` from background/keystore.ts
 * (WebCrypto ECDSA with the record's key, decrypted once and kept non-extractable, then DER)
 * and `encodeApiKeyStamp` from shared/api-stamp.ts — plus @noble/curves for the reference
 * rows, and sets `globalThis.__tsvStampProbe`. Its wrapping key is a fresh non-extractable
 * AES-GCM key of the same kind as the vault's (not the vault's own, which stays untouched).
 * Being a fresh copy of noble, its first sign shows noble's first-use cost in a worker.
 */
import { p256 } from "@noble/curves/nist.js";
import { Keystore, type KeyPairRecord } from "../../background/keystore.ts";
import { encodeApiKeyStamp } from "../../shared/api-stamp.ts";
import { utf8Encode } from "../../shared/bytes.ts";

export type ProbeKind = "vault" | "webcrypto" | "noble" | "aesgcm";

let keystore: Keystore | undefined;
let record: KeyPairRecord | undefined;
let ecdsaKey: CryptoKey | undefined;
let nobleSecret: Uint8Array | undefined;
let aes: { key: CryptoKey; iv: Uint8Array<ArrayBuffer>; ad: Uint8Array<ArrayBuffer>; ciphertext: ArrayBuffer } | undefined;
let payload: Uint8Array<ArrayBuffer> = new Uint8Array();
let payloadText = "";

async function setup(text: string) {
  payloadText = text;
  payload = utf8Encode(text);
  const t0 = performance.now();
  const secret = p256.utils.randomSecretKey();
  p256.sign(payload, secret, { format: "der" });
  const t1 = performance.now();
  p256.sign(payload, secret, { format: "der" });
  const t2 = performance.now();
  nobleSecret = secret;

  const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  keystore = new Keystore(async () => wrappingKey);
  record = await keystore.generate("https://bench.example", "login", Date.now());
  ecdsaKey = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])).privateKey;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ad = utf8Encode(`turnkey-session-vault/v1\nhttps://bench.example\n${record.publicKey}`);
  aes = { key: wrappingKey, iv, ad, ciphertext: await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: ad }, wrappingKey, crypto.getRandomValues(new Uint8Array(32))) };
  return { firstNobleSignMs: t1 - t0, secondNobleSignMs: t2 - t1 };
}

/**
 * Runs stamps (or primitives) of `kind` back to back for at least `minMs` (the worker's clock
 * is coarse: 100 µs); resolves how many ran and the elapsed milliseconds.
 */
async function run(kind: ProbeKind, minMs: number): Promise<{ n: number; ms: number }> {
  if (!keystore || !record || !ecdsaKey || !nobleSecret || !aes) throw new Error("setup() first");
  const once = {
    vault: async () => void encodeApiKeyStamp(record!.publicKey, await keystore!.sign(record!, utf8Encode(payloadText))),
    webcrypto: async () => void (await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, ecdsaKey!, utf8Encode(payloadText))),
    noble: async () => void p256.sign(utf8Encode(payloadText), nobleSecret!, { format: "der" }),
    aesgcm: async () => void (await crypto.subtle.decrypt({ name: "AES-GCM", iv: aes!.iv, additionalData: aes!.ad }, aes!.key, aes!.ciphertext)),
  }[kind];
  const t0 = performance.now();
  let n = 0;
  let elapsed = 0;
  do {
    for (let i = 0; i < 10; i++) await once();
    n += 10;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return { n, ms: elapsed };
}

(globalThis as unknown as { __tsvStampProbe: unknown }).__tsvStampProbe = { setup, run };
