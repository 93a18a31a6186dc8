/**
 * One-time passcodes, as Turnkey's auth proxy runs them for `@turnkey/core`'s `initOtp` and
 * `verifyOtp` (`proxyInitOtpV2`, `proxyVerifyOtpV2` in `__generated__/sdk-client-base.mjs`).
 *
 * `initOtp` "sends" a 6-digit code to an email address or phone number (tests read it from the
 * outbox) and answers an `otpEncryptionTargetBundle` naming a fresh P-256 target key. The client
 * HPKE-encrypts `{ otp_code, public_key }` to it (`@turnkey/crypto`'s `encryptOtpCodeToBundle`,
 * RFC 9180 as `hpkeEncrypt` does it); `verifyOtp` decrypts with the target's private key, checks
 * the code and issues a verification token bound to that public key. A code is good for 5
 * minutes and 3 attempts, and verifies once (stand-in choices in Turnkey's spirit).
 */
import { randomInt, randomUUID } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { hpkeDecrypt } from "@turnkey/crypto";
import type { Contact } from "./directory.ts";
import { ApiError, GrpcCode } from "./errors.ts";
import type { OtpSigner } from "./otp-signer.ts";
import { isCompressedP256PublicKey } from "./stamp-verify.ts";

const CODE_LIFETIME_MS = 300_000;
const MAX_ATTEMPTS = 3;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;

/** A code as it was "sent", for tests. */
export interface SentOtp {
  otpId: string;
  otpType: Contact["otpType"];
  contact: string;
  code: string;
  /** Epoch milliseconds. */
  sentAt: number;
}

interface PendingOtp extends SentOtp {
  organizationId: string;
  targetPrivateKey: Uint8Array;
  attempts: number;
  verified: boolean;
}

const invalidArgument = (message: string) => new ApiError(400, GrpcCode.InvalidArgument, message);

/**
 * The contact an `initOtp` body names.
 * @throws ApiError (400) for an unknown type or a malformed email address or phone number.
 */
export function parseContact(otpType: unknown, contact: unknown): Contact {
  if (otpType !== "OTP_TYPE_EMAIL" && otpType !== "OTP_TYPE_SMS") throw invalidArgument("otpType must be OTP_TYPE_EMAIL or OTP_TYPE_SMS");
  if (typeof contact !== "string" || !(otpType === "OTP_TYPE_EMAIL" ? EMAIL : E164).test(contact)) {
    throw invalidArgument(otpType === "OTP_TYPE_EMAIL" ? "contact must be an email address" : "contact must be a phone number in E.164 format");
  }
  return { otpType, contact };
}

export class OtpStore {
  private readonly pending = new Map<string, PendingOtp>();

  constructor(private readonly signer: OtpSigner) {}

  /** Starts an OTP for `contact` at `organizationId` (the auth proxy's organization). */
  init(contact: Contact, organizationId: string, now: number): { otpId: string; otpEncryptionTargetBundle: string } {
    const targetPrivateKey = p256.utils.randomSecretKey();
    const otp: PendingOtp = {
      otpId: randomUUID(),
      ...contact,
      code: String(randomInt(0, 1_000_000)).padStart(6, "0"),
      sentAt: now,
      organizationId,
      targetPrivateKey,
      attempts: 0,
      verified: false,
    };
    this.pending.set(otp.otpId, otp);
    const bundle = this.signer.signBundle({ targetPublic: bytesToHex(p256.getPublicKey(targetPrivateKey, false)), organizationId, otpId: otp.otpId });
    return { otpId: otp.otpId, otpEncryptionTargetBundle: JSON.stringify(bundle) };
  }

  /**
   * Checks the encrypted code of OTP `otpId`.
   * @returns the verified contact, its organization and the public key the client bound to it.
   * @throws ApiError for an unknown, expired, used-up or already verified OTP, an undecryptable
   *   bundle, or a wrong code ("Invalid OTP code", which core maps to `INVALID_OTP_CODE`).
   */
  verify(otpId: unknown, encryptedOtpBundle: unknown, now: number): { contact: Contact; organizationId: string; publicKey: string } {
    const otp = typeof otpId === "string" ? this.pending.get(otpId) : undefined;
    if (!otp) throw new ApiError(404, GrpcCode.NotFound, "OTP not found");
    if (otp.verified) throw invalidArgument("OTP has already been verified");
    if (now - otp.sentAt > CODE_LIFETIME_MS) throw invalidArgument("OTP has expired");
    if (otp.attempts >= MAX_ATTEMPTS) throw invalidArgument("Max number of OTP attempts reached");

    const plaintext = decrypt(encryptedOtpBundle, otp.targetPrivateKey);
    if (!plaintext || typeof plaintext.otp_code !== "string") throw invalidArgument("could not decrypt the encrypted OTP bundle");
    if (!isCompressedP256PublicKey(plaintext.public_key)) throw invalidArgument("public_key in the OTP bundle must be a compressed P-256 public key in hex");
    otp.attempts += 1;
    if (plaintext.otp_code !== otp.code) throw invalidArgument("Invalid OTP code");
    otp.verified = true;
    return { contact: { otpType: otp.otpType, contact: otp.contact }, organizationId: otp.organizationId, publicKey: plaintext.public_key };
  }

  /** Every code sent, oldest first, optionally to one contact. */
  outbox(contact?: string): SentOtp[] {
    return [...this.pending.values()]
      .filter((otp) => contact === undefined || otp.contact === contact)
      .map(({ otpId, otpType, contact: to, code, sentAt }) => ({ otpId, otpType, contact: to, code, sentAt }));
  }

  clear(): void {
    this.pending.clear();
  }
}

/** `{ encappedPublic, ciphertext }` (hex, as `formatHpkeBuf` writes it) decrypted to its JSON, or undefined. */
function decrypt(bundle: unknown, receiverPrivateKey: Uint8Array): Record<string, unknown> | undefined {
  try {
    const { encappedPublic, ciphertext } = JSON.parse(String(bundle)) as Record<string, unknown>;
    if (typeof encappedPublic !== "string" || typeof ciphertext !== "string") return undefined;
    const plaintext = hpkeDecrypt({
      ciphertextBuf: hexToBytes(ciphertext),
      encappedKeyBuf: hexToBytes(encappedPublic),
      receiverPriv: bytesToHex(receiverPrivateKey),
    });
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
