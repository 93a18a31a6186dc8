/**
 * Reads a Turnkey session JWT into a `Session` (docs/turnkey.md#sessions-and-the-session-jwt).
 *
 * The token is `<header>.<payload>.<signature>`, each base64url; the payload carries `exp`,
 * `public_key`, `session_type`, `user_id`, `organization_id` and optionally
 * `session_profile_id` and `scope`. The notarizer's signature is not checked here (the SDK does
 * not either, and the vault only ever sends the token back to Turnkey, which does).
 */
import { base64UrlDecode, utf8Decode } from "./bytes.ts";
import type { Session, SessionType } from "./protocol.ts";
import { TurnkeyError } from "./errors.ts";

const SESSION_TYPES: readonly SessionType[] = ["SESSION_TYPE_READ_ONLY", "SESSION_TYPE_READ_WRITE"];
const COMPRESSED_P256_HEX = /^0[23][0-9a-f]{64}$/;
/** Real session tokens are a few hundred bytes; refuse anything absurd before decoding it. */
const MAX_TOKEN_LENGTH = 8192;

function invalid(reason: string): TurnkeyError {
  return new TurnkeyError(`Invalid session token: ${reason}`, "VALIDATION_ERROR");
}

function requireString(claims: Record<string, unknown>, name: string): string {
  const value = claims[name];
  if (typeof value !== "string" || value.length === 0) throw invalid(`missing claim "${name}"`);
  return value;
}

/** A session as read from its token: everything but the duration it was issued for. */
export type ParsedSession = Omit<Session, "expirationSeconds" | "publicKey"> & { publicKey: string };

/** Parses a session JWT; throws `VALIDATION_ERROR` on anything malformed or incomplete. */
export function parseSessionJwt(token: unknown): ParsedSession {
  if (typeof token !== "string" || token.length === 0) throw invalid("expected a non-empty string");
  if (token.length > MAX_TOKEN_LENGTH) throw invalid("too long");
  const parts = token.split(".");
  if (parts.length !== 3) throw invalid("expected three dot-separated parts");
  // The signature part is never decoded: nothing here checks it (above), and it is not JSON.
  const [header, payload] = parts.slice(0, 2).map((part) => {
    try {
      return JSON.parse(utf8Decode(base64UrlDecode(part!))) as unknown;
    } catch {
      return undefined;
    }
  });
  if (typeof header !== "object" || header === null || (header as { alg?: unknown }).alg !== "ES256") {
    throw invalid("header is not an ES256 JWT header");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw invalid("payload is not a JSON object");
  const claims = payload as Record<string, unknown>;

  const exp = claims.exp;
  if (typeof exp !== "number" || !Number.isSafeInteger(exp) || exp <= 0) throw invalid('claim "exp" is not epoch seconds');
  const publicKey = requireString(claims, "public_key").toLowerCase();
  if (!COMPRESSED_P256_HEX.test(publicKey)) throw invalid('claim "public_key" is not a compressed P-256 key');
  const sessionType = requireString(claims, "session_type");
  if (!SESSION_TYPES.includes(sessionType as SessionType)) throw invalid('claim "session_type" is unknown');

  const session: ParsedSession = {
    sessionType: sessionType as SessionType,
    userId: requireString(claims, "user_id"),
    organizationId: requireString(claims, "organization_id"),
    expiry: exp,
    publicKey,
    token,
  };
  if (typeof claims.session_profile_id === "string") session.sessionProfileId = claims.session_profile_id;
  if (typeof claims.scope === "string") session.scope = claims.scope;
  return session;
}
