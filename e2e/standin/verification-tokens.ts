/**
 * OTP verification tokens: what `proxyVerifyOtpV2` issues once a code checks out, bound to the
 * public key the client encrypted with the code, and what a login or signup presents.
 *
 * Claims as `@turnkey/sdk-types`' `VerificationToken` and `@turnkey/crypto`'s
 * `verifyOtpVerificationToken` read them: `id`, `verification_type` (the OTP type),
 * `contact`, `organization_id` (the auth proxy's parent organization), `public_key` and
 * `exp` (epoch milliseconds, a string). A token logs in once (Turnkey: "Verification status of a
 * user is updated when the token is consumed (in OTP_LOGIN requests)"); account lookup and signup
 * read it without consuming it, as `@turnkey/core`'s `completeOtp` and `signUpWithOtp` need.
 */
import { randomUUID } from "node:crypto";
import type { Contact, Directory, User } from "./directory.ts";
import { ApiError, GrpcCode } from "./errors.ts";
import { type OtpSigner, verifiedJwtClaims } from "./otp-signer.ts";

/** How long a verification token is accepted (stand-in choice: one hour). */
const TOKEN_LIFETIME_MS = 3_600_000;

export interface VerificationClaims {
  id: string;
  verification_type: Contact["otpType"];
  contact: string;
  organization_id: string;
  public_key: string;
  exp: string;
}

const unauthenticated = (message: string) => new ApiError(401, GrpcCode.Unauthenticated, message);

export class VerificationTokens {
  private readonly consumed = new Set<string>();

  constructor(private readonly signer: OtpSigner) {}

  issue(fields: { contact: Contact; organizationId: string; publicKey: string; now: number }): string {
    const claims: VerificationClaims = {
      id: randomUUID(),
      verification_type: fields.contact.otpType,
      contact: fields.contact.contact,
      organization_id: fields.organizationId,
      public_key: fields.publicKey,
      exp: String(fields.now + TOKEN_LIFETIME_MS),
    };
    return this.signer.signJwt({ ...claims });
  }

  /**
   * The claims of a token this stand-in issued that is still valid (consumed or not).
   * @throws ApiError (401) for a forged, malformed or expired token.
   */
  verify(token: unknown, now: number): VerificationClaims {
    const claims = typeof token === "string" ? verifiedJwtClaims(token, this.signer.publicKey) : undefined;
    if (!claims) throw unauthenticated("invalid verification token");
    if (!(Number(claims.exp) > now)) throw unauthenticated("verification token has expired");
    return claims as unknown as VerificationClaims;
  }

  /** @throws ApiError (401) if the token has already logged in. */
  assertUnused(claims: VerificationClaims): void {
    if (this.consumed.has(claims.id)) throw unauthenticated("verification token has already been used");
  }

  consume(claims: VerificationClaims): void {
    this.assertUnused(claims);
    this.consumed.add(claims.id);
  }

  /**
   * The user a token logs in to `organizationId`: the one whose contact the token verified, in
   * that organization or (for the token's parent organization) in one of its sub-organizations.
   * @throws ApiError when the organization is not the token's, or no user has the contact.
   */
  userFor(directory: Directory, claims: VerificationClaims, organizationId: string): User {
    if (!directory.isWithin(organizationId, claims.organization_id)) {
      throw unauthenticated(`verification token is not valid for organization ${organizationId}`);
    }
    const [user] = directory.usersByContact(organizationId, { otpType: claims.verification_type, contact: claims.contact });
    if (!user) throw new ApiError(404, GrpcCode.NotFound, "no user found with the verified contact");
    return user;
  }

  clear(): void {
    this.consumed.clear();
  }
}
