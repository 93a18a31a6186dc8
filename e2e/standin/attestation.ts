/**
 * Reading a passkey from a WebAuthn registration, as `proxySignupV2` receives it from
 * `@turnkey/core`'s `signUpWithPasskey` (`authenticators[].attestation`: `credentialId`,
 * `clientDataJson`, `attestationObject`, `transports`, each base64url; `v1Attestation`).
 *
 * Checked as W3C WebAuthn Level 2 §7.1 ("Registering a New Credential") asks: the client data's
 * `type` is `webauthn.create` and its challenge the one the body names; the attestation object
 * (CBOR, RFC 8949) has authenticator data with the user-present and attested-credential-data
 * flags, the RP ID hash of the origin's host name, the credential id of the body, and a COSE
 * EC2 P-256 public key (RFC 9053); the statement is `none`, or `packed` self-attestation whose
 * signature the credential's own key made. Certificate chains (`packed` with x5c, `tpm`, …)
 * are not served.
 */
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ApiError, badRequestBody, GrpcCode } from "./errors.ts";

const FLAG_USER_PRESENT = 0x01;
const FLAG_ATTESTED_CREDENTIAL = 0x40;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
/** Attestation objects nest 3 deep (object → attStmt → x5c); more is hostile input. */
const MAX_CBOR_DEPTH = 8;

const refused = (reason: string) => badRequestBody(`authenticators: ${reason}`);

type Cbor = number | bigint | Uint8Array | string | Cbor[] | Map<Cbor, Cbor> | boolean | null | undefined;

/** Decodes one CBOR item (the subset WebAuthn uses: no tags, no indefinite lengths, no floats). */
function decodeCbor(bytes: Uint8Array, at = 0, depth = 0): { value: Cbor; end: number } {
  if (depth > MAX_CBOR_DEPTH) throw refused("CBOR nested too deeply");
  const need = (n: number) => {
    if (at + n > bytes.length) throw refused("truncated CBOR");
  };
  need(1);
  const initial = bytes[at++]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  let length: number;
  if (info < 24) length = info;
  else if (info <= 27) {
    const size = 1 << (info - 24);
    need(size);
    length = 0;
    for (let i = 0; i < size; i++) length = length * 256 + bytes[at++]!;
  } else throw refused("unsupported CBOR encoding");
  switch (major) {
    case 0:
      return { value: length, end: at };
    case 1:
      return { value: -1 - length, end: at };
    case 2:
    case 3: {
      need(length);
      const slice = bytes.subarray(at, at + length);
      if (major === 2) return { value: slice, end: at + length };
      try {
        return { value: new TextDecoder("utf-8", { fatal: true }).decode(slice), end: at + length };
      } catch {
        throw refused("CBOR text is not UTF-8");
      }
    }
    case 4:
    case 5: {
      const items: Cbor[] = [];
      const map = new Map<Cbor, Cbor>();
      for (let i = 0; i < length; i++) {
        const key = decodeCbor(bytes, at, depth + 1);
        at = key.end;
        if (major === 4) {
          items.push(key.value);
          continue;
        }
        const value = decodeCbor(bytes, at, depth + 1);
        at = value.end;
        map.set(key.value, value.value);
      }
      return { value: major === 4 ? items : map, end: at };
    }
    case 7:
      if (info === 20 || info === 21) return { value: info === 21, end: at };
      if (info === 22) return { value: null, end: at };
      throw refused("unsupported CBOR simple value");
    default:
      throw refused("unsupported CBOR type");
  }
}

function base64url(value: unknown, field: string): Uint8Array {
  if (typeof value !== "string" || !BASE64URL.test(value)) throw refused(`${field} must be base64url`);
  return new Uint8Array(Buffer.from(value, "base64url"));
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * The passkey an authenticator entry of a signup registers.
 * @throws ApiError (400) naming the first check that failed, or 501 for an attestation format
 *   the stand-in does not verify.
 */
export function parseAttestation(authenticator: Record<string, unknown>): { credentialId: string; publicKey: string; origin: string; rpId: string } {
  const { challenge, attestation } = authenticator;
  if (typeof challenge !== "string" || typeof attestation !== "object" || attestation === null) throw refused("challenge and attestation are required");
  const { credentialId, clientDataJson, attestationObject } = attestation as Record<string, unknown>;
  const clientDataBytes = base64url(clientDataJson, "clientDataJson");
  let clientData: Record<string, unknown>;
  try {
    clientData = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(clientDataBytes));
  } catch {
    throw refused("clientDataJson is not JSON");
  }
  if (clientData.type !== "webauthn.create") throw refused(`clientDataJson type is ${JSON.stringify(clientData.type)}, not "webauthn.create"`);
  if (clientData.challenge !== challenge.replace(/=+$/, "")) throw refused("clientDataJson challenge is not the authenticator's challenge");
  let origin: URL;
  try {
    origin = new URL(String(clientData.origin));
  } catch {
    throw refused("clientDataJson origin is not a URL");
  }

  const object = decodeCbor(base64url(attestationObject, "attestationObject")).value;
  if (!(object instanceof Map)) throw refused("attestationObject is not a CBOR map");
  const authData = object.get("authData");
  const fmt = object.get("fmt");
  const attStmt = object.get("attStmt");
  if (!(authData instanceof Uint8Array) || authData.length < 55) throw refused("authData is missing or too short");
  if (!sameBytes(authData.subarray(0, 32), sha256(new TextEncoder().encode(origin.hostname)))) throw refused(`RP ID hash is not that of ${origin.hostname}`);
  const flags = authData[32]!;
  if ((flags & FLAG_USER_PRESENT) === 0 || (flags & FLAG_ATTESTED_CREDENTIAL) === 0) throw refused("authData lacks the UP or AT flag");
  const idLength = (authData[53]! << 8) | authData[54]!;
  const rawId = authData.subarray(55, 55 + idLength);
  const idFromBody = base64url(credentialId, "credentialId");
  if (rawId.length !== idLength || !sameBytes(rawId, idFromBody)) throw refused("credentialId is not the attested credential's");
  const cose = decodeCbor(authData, 55 + idLength).value;
  if (!(cose instanceof Map) || cose.get(1) !== 2 || cose.get(3) !== -7 || cose.get(-1) !== 1) throw refused("credential public key is not a COSE ES256 P-256 key");
  const x = cose.get(-2);
  const y = cose.get(-3);
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32) throw refused("credential public key coordinates are malformed");
  const publicKey = new Uint8Array([4, ...x, ...y]);
  try {
    p256.Point.fromBytes(publicKey);
  } catch {
    throw refused("credential public key is not on P-256");
  }

  if (fmt === "packed" && attStmt instanceof Map && !attStmt.has("x5c")) {
    const signature = attStmt.get("sig");
    const signed = new Uint8Array([...authData, ...sha256(clientDataBytes)]);
    let valid = false;
    try {
      valid = attStmt.get("alg") === -7 && signature instanceof Uint8Array && p256.verify(signature, signed, publicKey, { format: "der", lowS: false });
    } catch {
      // a malformed DER signature is a bad signature
    }
    if (!valid) {
      throw refused("packed self-attestation signature does not verify");
    }
  } else if (fmt !== "none") {
    throw new ApiError(501, GrpcCode.Unimplemented, `the stand-in does not verify ${JSON.stringify(fmt)} attestations`);
  }
  return { credentialId: Buffer.from(rawId).toString("base64url"), publicKey: bytesToHex(publicKey), origin: origin.origin, rpId: origin.hostname };
}
