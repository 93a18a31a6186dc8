/**
 * Session JWTs in Turnkey's format, signed by the stand-in's own notarizer key.
 *
 * Header `{"alg":"ES256","typ":"JWT"}`; payload `{exp, public_key, session_type, user_id,
 * organization_id}` (no iat/iss/aud); both base64url without padding. The signature is not
 * standard ES256: it is the 64-byte r‖s P-256 signature over sha256(sha256("<header>.<payload>")),
 * which is what `@turnkey/crypto`'s `verifySessionJwtSignature` checks.
 */
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

export type SessionType = "SESSION_TYPE_READ_WRITE" | "SESSION_TYPE_READ_ONLY";

/** The claims of a Turnkey session JWT, in Turnkey's order. */
export interface SessionClaims {
  /** Expiry, epoch seconds. */
  exp: number;
  /** Compressed P-256 hex of the session key pair. */
  public_key: string;
  session_type: SessionType;
  user_id: string;
  organization_id: string;
}

/** Signs session JWTs with a P-256 key made when it is created. */
export interface Notarizer {
  /** Compressed P-256 public key, hex. */
  publicKey: string;
  sign(claims: SessionClaims): string;
}

const HEADER = base64url(JSON.stringify({ alg: "ES256", typ: "JWT" }));

function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

export function createNotarizer(): Notarizer {
  const secretKey = p256.utils.randomSecretKey();
  return {
    publicKey: bytesToHex(p256.getPublicKey(secretKey, true)),
    sign(claims) {
      const payload = base64url(
        JSON.stringify({
          exp: claims.exp,
          public_key: claims.public_key,
          session_type: claims.session_type,
          user_id: claims.user_id,
          organization_id: claims.organization_id,
        }),
      );
      const signingInput = `${HEADER}.${payload}`;
      const digest = sha256(sha256(new TextEncoder().encode(signingInput)));
      const signature = p256.sign(digest, secretKey, { prehash: false, format: "compact" });
      return `${signingInput}.${base64url(signature)}`;
    },
  };
}
