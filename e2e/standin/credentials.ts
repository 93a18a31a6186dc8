/**
 * The stand-in's passkeys and wallet keys: what a user can stamp with besides an API key.
 *
 * On Turnkey a user signs up or adds an authenticator (a WebAuthn credential, verified with
 * `X-Stamp-Webauthn`) or a wallet's key (a secp256k1 API key, verified with an
 * `SIGNATURE_SCHEME_TK_API_SECP256K1_EIP191` `X-Stamp`). Tests register them here directly
 * (`Standin.registerCredential`, `POST /__standin/credentials`), having made the credential in a
 * real browser (a virtual authenticator) or the key in a test wallet. Options may come from JSON,
 * so they are checked.
 */
import { p256 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Directory } from "./directory.ts";
import { ApiError, GrpcCode } from "./errors.ts";

/** A passkey as `registerCredential` takes it. */
export interface PasskeyOptions {
  type: "passkey";
  userId: string;
  /** The credential's id, base64url (`PublicKeyCredential.id`). */
  credentialId: string;
  /**
   * Its P-256 public key in hex: SEC1 (compressed or uncompressed), or the SPKI DER that
   * `AuthenticatorAttestationResponse.getPublicKey()` returns.
   */
  publicKey: string;
  /** The page origin that assertions must come from, e.g. "http://localhost:5173". */
  origin: string;
  /** Default: the origin's host name. */
  rpId?: string;
  /** Refuse assertions without the user-verified (UV) flag; default false (user presence only). */
  requireUserVerification?: boolean;
}

/** A wallet key as `registerCredential` takes it. */
export interface WalletOptions {
  type: "wallet";
  userId: string;
  /** The wallet's secp256k1 public key in hex, compressed or uncompressed. */
  publicKey: string;
}

export type CredentialOptions = PasskeyOptions | WalletOptions;

export interface Passkey {
  userId: string;
  credentialId: string;
  /** Uncompressed SEC1 hex. */
  publicKey: string;
  origin: string;
  rpId: string;
  requireUserVerification: boolean;
  /** The highest signature counter seen; a later assertion must exceed it unless both are 0. */
  signCount: number;
  /** The authenticator's name, when a signup gave one. */
  name?: string;
}

export interface WalletKey {
  userId: string;
  /** Compressed secp256k1 hex, as Turnkey's `WalletStamper` sends it. */
  publicKey: string;
}

/** The DER prefix of a P-256 `SubjectPublicKeyInfo`; the uncompressed point follows it. */
const P256_SPKI_PREFIX = "3059301306072a8648ce3d020106082a8648ce3d030107034200";
const BASE64URL = /^[A-Za-z0-9_-]{1,1366}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;

const invalid = (reason: string) => new ApiError(400, GrpcCode.InvalidArgument, `invalid credential: ${reason}`);

function point<T>(curve: { Point: { fromHex(hex: string): T } }, hex: unknown): T | undefined {
  if (typeof hex !== "string" || !HEX.test(hex.toLowerCase())) return undefined;
  try {
    return curve.Point.fromHex(hex.toLowerCase());
  } catch {
    return undefined;
  }
}

function passkey(options: Record<string, unknown>): Passkey {
  const { userId, credentialId, publicKey, origin, rpId, requireUserVerification } = options;
  if (typeof credentialId !== "string" || !BASE64URL.test(credentialId)) throw invalid("credentialId must be base64url");
  const raw = typeof publicKey === "string" && publicKey.toLowerCase().startsWith(P256_SPKI_PREFIX) ? publicKey.slice(P256_SPKI_PREFIX.length) : publicKey;
  const key = point(p256, raw);
  if (!key) throw invalid("publicKey must be a P-256 public key (SEC1 or SPKI hex)");
  let url: URL;
  try {
    url = new URL(String(origin));
  } catch {
    throw invalid("origin must be a URL origin");
  }
  if (url.origin !== origin) throw invalid(`origin must be an origin like ${url.origin}`);
  if (rpId !== undefined && (typeof rpId !== "string" || rpId.length === 0)) throw invalid("rpId must be a non-empty string");
  if (requireUserVerification !== undefined && typeof requireUserVerification !== "boolean") throw invalid("requireUserVerification must be a boolean");
  return {
    userId: userId as string,
    credentialId,
    publicKey: bytesToHex(key.toBytes(false)),
    origin,
    rpId: (rpId as string | undefined) ?? url.hostname,
    requireUserVerification: requireUserVerification === true,
    signCount: 0,
  };
}

function walletKey(options: Record<string, unknown>): WalletKey {
  const key = point(secp256k1, options.publicKey);
  if (!key) throw invalid("publicKey must be a secp256k1 public key in hex");
  return { userId: options.userId as string, publicKey: bytesToHex(key.toBytes(true)) };
}

export class CredentialStore {
  private readonly passkeys = new Map<string, Passkey>();
  private readonly walletKeys = new Map<string, WalletKey>();

  /**
   * Registers a passkey or wallet key for an existing user; registering the same credential id
   * or key again replaces it.
   * @throws ApiError (400) for invalid options or an unknown user.
   */
  register(directory: Directory, options: CredentialOptions): void {
    if (typeof options !== "object" || options === null) throw invalid("expected an object");
    const fields = options as unknown as Record<string, unknown>;
    const known = options.type === "passkey"
      ? ["type", "userId", "credentialId", "publicKey", "origin", "rpId", "requireUserVerification"]
      : ["type", "userId", "publicKey"];
    for (const key of Object.keys(fields)) if (!known.includes(key)) throw invalid(`unknown field ${key}`);
    if (typeof fields.userId !== "string" || directory.user(fields.userId) === undefined) throw invalid("userId must name a user of the stand-in");
    if (options.type === "passkey") {
      const credential = passkey(fields);
      this.passkeys.set(credential.credentialId, credential);
    } else if (options.type === "wallet") {
      const key = walletKey(fields);
      this.walletKeys.set(key.publicKey, key);
    } else {
      throw invalid('type must be "passkey" or "wallet"');
    }
  }

  passkey(credentialId: string): Passkey | undefined {
    return this.passkeys.get(credentialId);
  }

  passkeysOf(userId: string): Passkey[] {
    return [...this.passkeys.values()].filter((p) => p.userId === userId);
  }

  walletKeysOf(userId: string): WalletKey[] {
    return [...this.walletKeys.values()].filter((k) => k.userId === userId);
  }

  /** The wallet key for a compressed secp256k1 public key (hex, any case). */
  walletKey(publicKey: string): WalletKey | undefined {
    return this.walletKeys.get(publicKey.toLowerCase());
  }

  clear(): void {
    this.passkeys.clear();
    this.walletKeys.clear();
  }
}
