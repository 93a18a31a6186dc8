/**
 * Granting sessions: what a completed `stamp_login` does, and what a test's `mint` does in place
 * of a first login.
 *
 * The session key becomes an expiring API key of the user (optionally after invalidating the
 * user's other login keys), and the notarizer signs a session JWT for it. The JWT's `exp` is the
 * key's expiry rounded down to the second, so the key never dies before the token says.
 */
import type { Directory, User } from "./directory.ts";
import { ApiError, GrpcCode, invalidApiKeyExpiration } from "./errors.ts";
import type { Notarizer, SessionType } from "./session-jwt.ts";
import { isCompressedP256PublicKey } from "./stamp-verify.ts";

/** The longest session the stand-in grants: one year (Turnkey documents no cap of its own). */
const MAX_EXPIRATION_SECONDS = 31_536_000;
/** "If not provided, a default of 15 minutes will be used." (`v1StampLoginIntent`) */
const DEFAULT_EXPIRATION_SECONDS = 900;

const SESSION_TYPES: readonly SessionType[] = ["SESSION_TYPE_READ_WRITE", "SESSION_TYPE_READ_ONLY"];

export interface SessionGrant {
  user: User;
  publicKey: string;
  expirationSeconds: number;
  sessionType: SessionType;
  invalidateExisting: boolean;
  /** Epoch milliseconds. */
  now: number;
}

export interface MintOptions {
  publicKey: string;
  organizationId?: string;
  userId?: string;
  expirationSeconds?: number;
  sessionType?: SessionType;
}

export interface MintResult {
  session: string;
  organizationId: string;
  userId: string;
}

/**
 * `expirationSeconds` as stamp_login takes it: digits, from 1 to the cap; absent means 15 minutes.
 * @throws ApiError "invalid api key expiration" (400).
 */
export function parseExpirationSeconds(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EXPIRATION_SECONDS;
  const seconds = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_EXPIRATION_SECONDS)) throw invalidApiKeyExpiration();
  return seconds;
}

/** Registers the session key and returns the session JWT. */
export function grantSession(
  directory: Directory,
  notarizer: Notarizer,
  grant: SessionGrant,
): string {
  const { user, publicKey, now } = grant;
  if (grant.invalidateExisting) directory.invalidateLoginKeys(user);
  const expiresAt = now + grant.expirationSeconds * 1000;
  directory.addExpiringKey(user, publicKey, now, expiresAt);
  return notarizer.sign({
    exp: Math.floor(expiresAt / 1000),
    public_key: publicKey,
    session_type: grant.sessionType,
    user_id: user.id,
    organization_id: user.organizationId,
  });
}

/**
 * A session for a key pair the caller made, as a first login would give it; creates the
 * organization and user when unknown. Options may come from JSON, so they are checked.
 * @throws ApiError (400) for invalid options.
 */
export function mintSession(
  directory: Directory,
  notarizer: Notarizer,
  options: MintOptions,
  now: number,
): MintResult {
  const invalid = (reason: string) =>
    new ApiError(400, GrpcCode.InvalidArgument, `invalid mint options: ${reason}`);
  if (typeof options !== "object" || options === null) throw invalid("expected an object");
  const { publicKey, organizationId, userId, expirationSeconds, sessionType } = options;
  const known = new Set(["publicKey", "organizationId", "userId", "expirationSeconds", "sessionType"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw invalid(`unknown field ${key}`);
  }
  if (!isCompressedP256PublicKey(publicKey)) {
    throw invalid("publicKey must be a compressed P-256 public key in hex");
  }
  if (organizationId !== undefined && typeof organizationId !== "string") {
    throw invalid("organizationId must be a string");
  }
  if (userId !== undefined && typeof userId !== "string") throw invalid("userId must be a string");
  if (expirationSeconds !== undefined && typeof expirationSeconds !== "number") {
    throw invalid("expirationSeconds must be a number");
  }
  if (sessionType !== undefined && !SESSION_TYPES.includes(sessionType)) {
    throw invalid(`sessionType must be one of ${SESSION_TYPES.join(", ")}`);
  }

  const seconds = parseExpirationSeconds(
    expirationSeconds === undefined ? undefined : String(expirationSeconds),
  );

  const user = directory.ensureUser(organizationId, userId);
  const session = grantSession(directory, notarizer, {
    user,
    publicKey,
    expirationSeconds: seconds,
    sessionType: sessionType ?? "SESSION_TYPE_READ_WRITE",
    invalidateExisting: false,
    now,
  });
  return { session, organizationId: user.organizationId, userId: user.id };
}
