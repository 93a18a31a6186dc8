/**
 * Verifying passkey stamps (`X-Stamp-Webauthn`), as Turnkey does (docs/turnkey.md#passkey-stamp).
 *
 * The header is plain JSON `{ authenticatorData, clientDataJson, credentialId, signature }`,
 * each base64url, as `@turnkey/webauthn-stamper` sends it: a WebAuthn assertion (W3C WebAuthn
 * Level 2, §7.2 "Verifying an Authentication Assertion") whose challenge is the UTF-8 bytes of
 * the hex string of sha256(request body). Checked here: the client data's `type`
 * (`webauthn.get`), challenge and origin (the one registered with the credential); the
 * authenticator data's RP ID hash, user-present flag (and user-verified flag when the credential
 * requires it) and signature counter; and the DER ECDSA P-256/SHA-256 signature over
 * authenticatorData ‖ sha256(clientDataJSON) with the credential's public key (high-S accepted).
 */
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { Passkey } from "./credentials.ts";
import { badWebauthnAssertion, malformedWebauthnStamp } from "./errors.ts";

export const WEBAUTHN_STAMP_HEADER = "X-Stamp-Webauthn";

/** A decoded, well-formed passkey stamp. */
export interface WebauthnStamp {
  credentialId: string;
  authenticatorData: Uint8Array;
  clientDataJson: Uint8Array;
  /** DER-encoded. */
  signature: Uint8Array;
}

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
/** rpIdHash (32) ‖ flags (1) ‖ signCount (4). */
const MIN_AUTHENTICATOR_DATA = 37;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function base64url(value: unknown): Uint8Array {
  if (typeof value !== "string" || !BASE64URL.test(value)) throw malformedWebauthnStamp();
  return new Uint8Array(Buffer.from(value, "base64url"));
}

/**
 * Decodes an `X-Stamp-Webauthn` header.
 * @throws ApiError (401) when it is not JSON of the four base64url fields.
 */
export function decodeWebauthnStamp(header: string): WebauthnStamp {
  let stamp: unknown;
  try {
    stamp = JSON.parse(header);
  } catch {
    throw malformedWebauthnStamp();
  }
  if (typeof stamp !== "object" || stamp === null) throw malformedWebauthnStamp();
  const { authenticatorData, clientDataJson, credentialId, signature } = stamp as Record<string, unknown>;
  base64url(credentialId);
  return {
    credentialId: credentialId as string,
    authenticatorData: base64url(authenticatorData),
    clientDataJson: base64url(clientDataJson),
    signature: base64url(signature),
  };
}

/** The WebAuthn challenge Turnkey expects for `body`: the UTF-8 bytes of hex(sha256(body)). */
export function challengeFor(body: Uint8Array): Uint8Array {
  return new TextEncoder().encode(bytesToHex(sha256(body)));
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Verifies `stamp` as an assertion of `passkey` over exactly `body`, and then advances the
 * passkey's signature counter.
 * @throws ApiError (401) naming the first check that failed.
 */
export function verifyWebauthnStamp(stamp: WebauthnStamp, passkey: Passkey, body: Uint8Array): void {
  const { authenticatorData, clientDataJson, signature } = stamp;
  if (authenticatorData.length < MIN_AUTHENTICATOR_DATA) throw badWebauthnAssertion("authenticator data too short");

  let signatureValid: boolean;
  try {
    const signed = new Uint8Array([...authenticatorData, ...sha256(clientDataJson)]);
    signatureValid = p256.verify(signature, signed, hexToBytes(passkey.publicKey), { format: "der", lowS: false });
  } catch {
    signatureValid = false;
  }
  if (!signatureValid) throw badWebauthnAssertion("signature does not match the credential's public key");

  let clientData: Record<string, unknown>;
  try {
    clientData = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(clientDataJson));
  } catch {
    throw badWebauthnAssertion("clientDataJSON is not JSON");
  }
  if (typeof clientData !== "object" || clientData === null) throw badWebauthnAssertion("clientDataJSON is not an object");
  if (clientData.type !== "webauthn.get") throw badWebauthnAssertion(`clientDataJSON type is ${JSON.stringify(clientData.type)}, not "webauthn.get"`);
  let challenge: Uint8Array;
  try {
    challenge = base64url(clientData.challenge);
  } catch {
    throw badWebauthnAssertion("clientDataJSON challenge is not base64url");
  }
  if (!sameBytes(challenge, challengeFor(body))) throw badWebauthnAssertion("challenge is not hex(sha256(body))");
  if (clientData.origin !== passkey.origin) {
    throw badWebauthnAssertion(`origin ${JSON.stringify(clientData.origin)} is not the credential's ${passkey.origin}`);
  }

  if (!sameBytes(authenticatorData.subarray(0, 32), sha256(new TextEncoder().encode(passkey.rpId)))) {
    throw badWebauthnAssertion(`RP ID hash is not that of ${passkey.rpId}`);
  }
  const flags = authenticatorData[32]!;
  if ((flags & FLAG_USER_PRESENT) === 0) throw badWebauthnAssertion("user presence (UP) flag not set");
  if (passkey.requireUserVerification && (flags & FLAG_USER_VERIFIED) === 0) {
    throw badWebauthnAssertion("user verification (UV) required but not performed");
  }
  const signCount = new DataView(authenticatorData.buffer, authenticatorData.byteOffset + 33, 4).getUint32(0);
  if ((signCount !== 0 || passkey.signCount !== 0) && signCount <= passkey.signCount) {
    throw badWebauthnAssertion(`signature counter ${signCount} did not increase (last ${passkey.signCount}): a cloned authenticator or a replay`);
  }
  passkey.signCount = signCount;
}
