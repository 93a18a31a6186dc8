/**
 * Session key pairs: P-256 generation, encryption at rest, signing.
 *
 * A key pair is stored as a `KeyPairRecord`: the compressed public key in the clear and the
 * 32-byte private key under AES-GCM with the worker's non-extractable wrapping key. The AES-GCM
 * additional data binds each ciphertext to its origin and public key, so a record copied under
 * another origin or key does not decrypt. Plaintext private keys exist only inside `sign`, and
 * are wiped before it returns; nothing here returns one.
 */
import { p256 } from "@noble/curves/nist.js";
import { base64UrlDecode, base64UrlEncode, bytesToHex, utf8Encode } from "../shared/bytes.ts";

export type KeyPairPurpose = "login" | "refresh";

export interface KeyPairRecord {
  v: 1;
  origin: string;
  /** Compressed P-256 public key, lowercase hex. */
  publicKey: string;
  /** Why it was made: a page's login (`createApiKeyPair`) or the vault's own refresh. */
  purpose: KeyPairPurpose;
  createdAt: number;
  iv: string;
  ciphertext: string;
}

export class Keystore {
  constructor(private readonly wrappingKey: () => Promise<CryptoKey>) {}

  async generate(origin: string, purpose: KeyPairPurpose, now: number): Promise<KeyPairRecord> {
    const secretKey = p256.utils.randomSecretKey();
    try {
      const publicKey = bytesToHex(p256.getPublicKey(secretKey, true));
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: additionalData(origin, publicKey) },
        await this.wrappingKey(),
        secretKey,
      );
      return { v: 1, origin, publicKey, purpose, createdAt: now, iv: base64UrlEncode(iv), ciphertext: base64UrlEncode(new Uint8Array(ciphertext)) };
    } finally {
      secretKey.fill(0);
    }
  }

  /** ECDSA P-256/SHA-256 over `message` (noble hashes it), DER-encoded as Turnkey expects. */
  async sign(record: KeyPairRecord, message: Uint8Array): Promise<Uint8Array> {
    const secretKey = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: base64UrlDecode(record.iv), additionalData: additionalData(record.origin, record.publicKey) },
        await this.wrappingKey(),
        base64UrlDecode(record.ciphertext),
      ),
    );
    try {
      return p256.sign(message, secretKey, { format: "der" });
    } finally {
      secretKey.fill(0);
    }
  }
}

function additionalData(origin: string, publicKey: string): Uint8Array<ArrayBuffer> {
  return utf8Encode(`turnkey-session-vault/v1\n${origin}\n${publicKey}`);
}

export function isKeyPairRecord(value: unknown): value is KeyPairRecord {
  const r = value as Partial<KeyPairRecord> | null;
  return (
    typeof r === "object" && r !== null && r.v === 1 && typeof r.origin === "string" && typeof r.publicKey === "string" &&
    (r.purpose === "login" || r.purpose === "refresh") && typeof r.createdAt === "number" &&
    typeof r.iv === "string" && typeof r.ciphertext === "string"
  );
}
