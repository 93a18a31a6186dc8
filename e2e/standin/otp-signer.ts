/**
 * The stand-in's key in place of Turnkey's OTP enclave key (the "TLS fetcher" signing key): it
 * signs the `otpEncryptionTargetBundle` that `proxyInitOtpV2` hands out and the verification
 * tokens that `proxyVerifyOtpV2` issues.
 *
 * Formats from `@turnkey/crypto` (`turnkey.mjs`): a bundle is the JSON `{ enclaveQuorumPublic,
 * dataSignature, data }` with `data` the hex of a JSON object, `dataSignature` a DER ECDSA P-256
 * signature over sha256(data bytes) and `enclaveQuorumPublic` the uncompressed signing key
 * (`verifyEnclaveSignature`, used by `encryptOtpCodeToBundle`); a verification token is a
 * standard ES256 JWT, r‖s over sha256("<header>.<payload>") (`verifyOtpVerificationToken`).
 * Signatures are low-S, which every verifier accepts.
 *
 * `@turnkey/crypto` checks bundles and tokens against Turnkey's production key unless given
 * another one (`dangerouslyOverrideSignerPublicKey`), and `@turnkey/core` 2.8.1's `verifyOtp`
 * passes none: core's `verifyOtp` therefore refuses every bundle not signed by Turnkey itself.
 * Callers encrypt with `encryptOtpCodeToBundle(code, bundle, publicKey, standin.otpSignerPublicKey)`.
 */
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

export interface SignedBundle {
  enclaveQuorumPublic: string;
  dataSignature: string;
  data: string;
}

export interface OtpSigner {
  /** Uncompressed P-256 hex, as `enclaveQuorumPublic` carries it. */
  publicKey: string;
  /** A bundle carrying `data` (JSON-serialised), signed. */
  signBundle(data: Record<string, unknown>): SignedBundle;
  /** An ES256 JWT of `claims`. */
  signJwt(claims: Record<string, unknown>): string;
}

const base64url = (data: string | Uint8Array) => Buffer.from(data).toString("base64url");
const JWT_HEADER = base64url(JSON.stringify({ alg: "ES256", typ: "JWT" }));

export function createOtpSigner(): OtpSigner {
  const secretKey = p256.utils.randomSecretKey();
  return {
    publicKey: bytesToHex(p256.getPublicKey(secretKey, false)),
    signBundle(data) {
      const bytes = new TextEncoder().encode(JSON.stringify(data));
      const signature = p256.sign(sha256(bytes), secretKey, { prehash: false, lowS: true, format: "der" });
      return { enclaveQuorumPublic: this.publicKey, dataSignature: bytesToHex(signature), data: bytesToHex(bytes) };
    },
    signJwt(claims) {
      const signingInput = `${JWT_HEADER}.${base64url(JSON.stringify(claims))}`;
      const signature = p256.sign(sha256(new TextEncoder().encode(signingInput)), secretKey, { prehash: false, lowS: true, format: "compact" });
      return `${signingInput}.${base64url(signature)}`;
    },
  };
}

/**
 * The claims of a JWT this signer made, or undefined when it is malformed or its signature is
 * not the signer's.
 */
export function verifiedJwtClaims(jwt: string, publicKey: string): Record<string, unknown> | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    if (header !== JWT_HEADER) return undefined;
    const digest = sha256(new TextEncoder().encode(`${header}.${payload}`));
    if (!p256.verify(Buffer.from(signature, "base64url"), digest, Buffer.from(publicKey, "hex"), { prehash: false, lowS: false, format: "compact" })) return undefined;
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
