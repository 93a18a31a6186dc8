/**
 * Session key pairs: P-256 generation, encryption at rest, signing.
 *
 * A key pair is stored as a `KeyPairRecord`: the public key in the clear (compressed hex, plus
 * its y coordinate, which WebCrypto needs to import the key) and the 32-byte private scalar under
 * AES-GCM with the worker's non-extractable wrapping key. The AES-GCM additional data binds each
 * ciphertext to its origin and public key, so a record copied under another origin or key does
 * not decrypt.
 *
 * Keys are made and used with WebCrypto's ECDSA, not @noble/curves: measured in the worker
 * (`npm run bench`), noble signs ~7× slower and costs ~25 ms to build its tables on first use,
 * which made a refresh slower than Turnkey's own SDK. A record is decrypted once per worker
 * life into a non-extractable `CryptoKey` kept in memory; the plaintext scalar exists only
 * between decryption and import. A key pair made here is imported so when it is sealed, beside
 * its encryption: its first signature (a login's, or the next refresh's `stamp_login`) then needs
 * no decryption. Nothing here returns a private key.
 */
import { base64UrlDecode, base64UrlEncode, bytesToHex, hexToBytes, utf8Encode } from "../shared/bytes.ts";
import { p256PrivateScalar } from "../shared/ec-private-key.ts";
import type { SignatureFormat } from "../shared/protocol.ts";

export type KeyPairPurpose = "login" | "refresh";

export interface KeyPairRecord {
  v: 1;
  origin: string;
  /** Compressed P-256 public key, lowercase hex. */
  publicKey: string;
  /** The public key's y coordinate, base64url (JWK `y`). */
  publicKeyY: string;
  /** Why it was made: a page's login (`createApiKeyPair`) or the vault's own refresh. */
  purpose: KeyPairPurpose;
  createdAt: number;
  iv: string;
  ciphertext: string;
}

const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;

export class Keystore {
  /** Decrypted, non-extractable signing keys, by public key, for this worker's life. */
  private readonly signingKeys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly wrappingKey: () => Promise<CryptoKey>) {}

  /** A new key pair, encrypted for storage; its signing key is cached until `forget`. */
  async generate(origin: string, purpose: KeyPairPurpose, now: number): Promise<KeyPairRecord> {
    return (await this.generateSealedLater(origin, purpose, now)).seal();
  }

  /**
   * Makes a key pair and returns its public key at once, with `seal`, which exports the private
   * key, encrypts it into its record and caches its non-extractable signing key (the first call
   * does it; every call returns that promise). A refresh seals once its `stamp_login` is signed,
   * while Turnkey is asked: WebCrypto runs a worker's operations in turn, and an export, an import
   * and an encryption queued first would hold that signature back (≈ 0.1–0.2 ms, measured in Chromium).
   */
  async generateSealedLater(origin: string, purpose: KeyPairPurpose, now: number): Promise<{ publicKey: string; seal: () => Promise<KeyPairRecord> }> {
    const pair = await crypto.subtle.generateKey(ECDSA_P256, true, ["sign", "verify"]);
    const xy = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)); // 0x04 ‖ x ‖ y
    const publicKey = ((xy[64]! & 1) === 0 ? "02" : "03") + bytesToHex(xy.subarray(1, 33));
    const publicKeyY = base64UrlEncode(xy.subarray(33, 65));
    let sealed: Promise<KeyPairRecord> | undefined;
    const seal = () => (sealed ??= this.seal({ v: 1, origin, publicKey, publicKeyY, purpose, createdAt: now }, pair.privateKey));
    return { publicKey, seal };
  }

  /** Imports and caches the signing key, encrypts the private scalar into the record; zeroes the exported bytes. */
  private async seal(record: Omit<KeyPairRecord, "iv" | "ciphertext">, privateKey: CryptoKey): Promise<KeyPairRecord> {
    const { publicKey, origin } = record;
    // PKCS#8, not JWK: no JSON, and the private bytes can be zeroed.
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
    try {
      const secret = p256PrivateScalar(pkcs8);
      const signingKey = crypto.subtle.importKey("pkcs8", pkcs8, ECDSA_P256, false, ["sign"]);
      this.signingKeys.set(publicKey, signingKey);
      signingKey.catch(() => this.signingKeys.get(publicKey) === signingKey && this.signingKeys.delete(publicKey));
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const [ciphertext] = await Promise.all([
        crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(origin, publicKey) }, await this.wrappingKey(), secret),
        signingKey,
      ]);
      return { ...record, iv: base64UrlEncode(iv), ciphertext: base64UrlEncode(new Uint8Array(ciphertext)) };
    } finally {
      pkcs8.fill(0);
    }
  }

  /**
   * ECDSA P-256/SHA-256 over `message`: DER-encoded as Turnkey's stamps carry it, or `"raw"`
   * r ‖ s (32 bytes each, as WebCrypto makes it), as Turnkey's client signatures carry it.
   */
  async sign(record: KeyPairRecord, message: Uint8Array<ArrayBuffer>, format: SignatureFormat = "der"): Promise<Uint8Array> {
    const key = await this.signingKey(record);
    const raw = new Uint8Array(await crypto.subtle.sign(ECDSA_SHA256, key, message));
    return format === "raw" ? raw : rawSignatureToDer(raw);
  }

  /** Drops a deleted or discarded key pair's in-memory signing key. */
  forget(publicKey: string): void {
    this.signingKeys.delete(publicKey);
  }

  private signingKey(record: KeyPairRecord): Promise<CryptoKey> {
    let key = this.signingKeys.get(record.publicKey);
    if (!key) {
      key = this.importSigningKey(record);
      key.catch(() => this.signingKeys.delete(record.publicKey));
      this.signingKeys.set(record.publicKey, key);
    }
    return key;
  }

  private async importSigningKey(record: KeyPairRecord): Promise<CryptoKey> {
    const secret = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: base64UrlDecode(record.iv), additionalData: additionalData(record.origin, record.publicKey) },
        await this.wrappingKey(),
        base64UrlDecode(record.ciphertext),
      ),
    );
    try {
      const x = base64UrlEncode(hexToBytes(record.publicKey.slice(2)));
      const jwk: JsonWebKey = { kty: "EC", crv: "P-256", x, y: record.publicKeyY, d: base64UrlEncode(secret), ext: false };
      return await crypto.subtle.importKey("jwk", jwk, ECDSA_P256, false, ["sign"]);
    } finally {
      secret.fill(0);
    }
  }
}

function additionalData(origin: string, publicKey: string): Uint8Array<ArrayBuffer> {
  return utf8Encode(`turnkey-session-vault/v1\n${origin}\n${publicKey}`);
}

/** WebCrypto's ECDSA signature (r ‖ s, 32 bytes each) as ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function rawSignatureToDer(raw: Uint8Array): Uint8Array {
  // Written byte by byte into one buffer: spreading typed arrays into arrays cost a stamp ≈ 5 µs.
  const r = derInteger(raw, 0);
  const s = derInteger(raw, 32);
  const body = 2 + r.length + 2 + s.length;
  const der = new Uint8Array(2 + body);
  der[0] = 0x30;
  der[1] = body;
  let at = 2;
  for (const int of [r, s]) {
    der[at++] = 0x02;
    der[at++] = int.length;
    if (int.pad) der[at++] = 0;
    der.set(int.bytes, at);
    at += int.bytes.length;
  }
  return der;
}

/** One 32-byte half of r ‖ s as a DER INTEGER body: leading zeros dropped, and a zero byte before a leading 1 bit (which would read as negative). */
function derInteger(raw: Uint8Array, offset: number): { bytes: Uint8Array; pad: boolean; length: number } {
  let start = offset;
  while (start < offset + 31 && raw[start] === 0) start++;
  const bytes = raw.subarray(start, offset + 32);
  const pad = (bytes[0]! & 0x80) !== 0;
  return { bytes, pad, length: bytes.length + (pad ? 1 : 0) };
}

export function isKeyPairRecord(value: unknown): value is KeyPairRecord {
  const r = value as Partial<KeyPairRecord> | null;
  return (
    typeof r === "object" && r !== null && r.v === 1 && typeof r.origin === "string" && typeof r.publicKey === "string" &&
    /^0[23][0-9a-f]{64}$/.test(r.publicKey) && typeof r.publicKeyY === "string" &&
    (r.purpose === "login" || r.purpose === "refresh") && typeof r.createdAt === "number" &&
    typeof r.iv === "string" && typeof r.ciphertext === "string"
  );
}
