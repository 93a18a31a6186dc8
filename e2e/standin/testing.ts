/**
 * Helpers for the stand-in's own tests: key pairs, Turnkey clients (`@turnkey/http`'s, and
 * `@turnkey/core`'s generated `TurnkeySDKClientBase`, the HTTP client core's flows run on),
 * hand-made stamps and raw requests, a software passkey (what `navigator.credentials.get` does,
 * for Turnkey's `WebauthnStamper`) and an Ethereum wallet (for Turnkey's `WalletStamper`).
 */
import { randomBytes } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { ApiKeyStamper } from "@turnkey/api-key-stamper";
import { BaseEthereumWallet } from "@turnkey/wallet-stamper";
import { privateKeyToAccount } from "viem/accounts";
import { TurnkeyClient, TurnkeyRequestError } from "@turnkey/http";
import type { TurnkeySDKClientBase as CoreHttpClient } from "@turnkey/core/dist/__generated__/sdk-client-base.js";
// Core's own flows build this client (`createHttpClient` in core.mjs); core ships no .d.mts for it.
// @ts-expect-error -- typed by the import above.
import { TurnkeySDKClientBase } from "@turnkey/core/dist/__generated__/sdk-client-base.mjs";
import { expect } from "vitest";
import type { Standin } from "./server.ts";

export interface KeyPair {
  /** Compressed P-256, hex. */
  publicKey: string;
  /** 32-byte scalar, hex. */
  privateKey: string;
}

export function newKeyPair(): KeyPair {
  const secretKey = p256.utils.randomSecretKey();
  return { privateKey: bytesToHex(secretKey), publicKey: bytesToHex(p256.getPublicKey(secretKey, true)) };
}

/** `@turnkey/http`'s client stamping with `@turnkey/api-key-stamper`, as a real dApp would. */
export function clientFor(standin: Standin, keyPair: KeyPair): TurnkeyClient {
  const stamper = new ApiKeyStamper({ apiPublicKey: keyPair.publicKey, apiPrivateKey: keyPair.privateKey });
  return new TurnkeyClient({ baseUrl: standin.url }, stamper);
}

type Stamper = { stamp(payload: string): Promise<{ stampHeaderName: string; stampHeaderValue: string }> };

/**
 * `@turnkey/core`'s HTTP client as core's `TurnkeyClient` configures it for a dApp whose parent
 * organization is `organizationId`, with whichever stampers the test gives.
 */
export function coreHttpClient(
  standin: Standin,
  config: {
    organizationId: string;
    apiKeyStamper?: Stamper;
    passkeyStamper?: Stamper;
    walletStamper?: Stamper;
    attestedStamper?: Stamper;
    authProxyUrl?: string;
    authProxyConfigId?: string;
    /** Where core reads the active session's organization from; only `getActiveSession` is used here. */
    storageManager?: { getActiveSession(): Promise<unknown> };
  },
): CoreHttpClient {
  return new TurnkeySDKClientBase({ apiBaseUrl: standin.url, activityPoller: { intervalMs: 10, numRetries: 3 }, ...config });
}

/** An API-key stamper for a key pair (the one core's `IndexedDbStamper` would hold). */
export function apiKeyStamper(keyPair: KeyPair): ApiKeyStamper {
  return new ApiKeyStamper({ apiPublicKey: keyPair.publicKey, apiPrivateKey: keyPair.privateKey });
}

/** A client whose stamper returns whatever `stamp` makes of the payload. */
export function clientWithStamper(standin: Standin, stamp: (payload: string) => string): TurnkeyClient {
  return new TurnkeyClient(
    { baseUrl: standin.url },
    { stamp: async (payload) => ({ stampHeaderName: "X-Stamp", stampHeaderValue: stamp(payload) }) },
  );
}

export function stampLoginBody(
  organizationId: string,
  parameters: { publicKey: string; expirationSeconds?: string; invalidateExisting?: boolean },
) {
  return {
    parameters: { expirationSeconds: "900", invalidateExisting: false, ...parameters },
    organizationId,
    timestampMs: String(Date.now()),
    type: "ACTIVITY_TYPE_STAMP_LOGIN" as const,
  };
}

/** An X-Stamp value made by hand; `highS` flips the signature's s to n − s. */
export function stampHeader(keyPair: KeyPair, payload: string, opts: { highS?: boolean } = {}): string {
  const message = new TextEncoder().encode(payload);
  const { r, s } = p256.Signature.fromBytes(p256.sign(message, hexToBytes(keyPair.privateKey)));
  const signature = new p256.Signature(r, opts.highS ? p256.Point.CURVE().n - s : s);
  const stamp = {
    publicKey: keyPair.publicKey,
    scheme: "SIGNATURE_SCHEME_TK_API_P256",
    signature: signature.toHex("der"),
  };
  return Buffer.from(JSON.stringify(stamp)).toString("base64url");
}

/** POSTs `rawBody` as is, with an optional X-Stamp. */
export async function post(
  standin: Standin,
  path: string,
  rawBody: string,
  stamp?: string,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(standin.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(stamp === undefined ? {} : { "X-Stamp": stamp }) },
    body: rawBody,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

/** The claims of a JWT, decoded as base64url. */
export function jwtClaims(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split(".");
  return JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

/**
 * Awaits a rejection that must be a `TurnkeyRequestError` with this gRPC code and message part:
 * `@turnkey/http`'s class, or the one of core's own copy of `@turnkey/sdk-types` (same name and shape).
 */
export async function expectTurnkeyError(
  promise: Promise<unknown>,
  code: number,
  messagePart: string,
): Promise<TurnkeyRequestError> {
  const error = await promise.then(
    () => expect.fail("expected the request to be refused"),
    (e: unknown) => e,
  );
  expect(error instanceof TurnkeyRequestError || (error instanceof Error && error.name === "TurnkeyRequestError"), String(error)).toBe(true);
  const requestError = error as TurnkeyRequestError;
  expect(requestError.code).toBe(code);
  expect(requestError.message).toContain(`Turnkey error ${code}: `);
  expect(requestError.message).toContain(messagePart);
  return requestError;
}

/** What a software passkey puts into its next assertion instead of the truth (to test refusals). */
export interface AssertionTweaks {
  type?: string;
  origin?: string;
  challenge?: Uint8Array;
  rpId?: string;
  /** Authenticator flags; default UP | UV. */
  flags?: number;
  signCount?: number;
  /** Sign with another key. */
  signingKey?: Uint8Array;
}

export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;

/**
 * A P-256 WebAuthn credential held in software: `get` answers `navigator.credentials.get` the
 * way a browser does (client data JSON, authenticator data, DER signature over
 * authenticatorData ‖ sha256(clientDataJSON)), for `@turnkey/webauthn-stamper` in Node.
 */
export function softwarePasskey(origin: string, rpId = new URL(origin).hostname) {
  const secretKey = p256.utils.randomSecretKey();
  const credentialId = randomBytes(16).toString("base64url");
  let signCount = 0;
  const passkey = {
    credentialId,
    /** Uncompressed SEC1 hex. */
    publicKey: bytesToHex(p256.getPublicKey(secretKey, false)),
    /** Applied to the next assertion only. */
    tweaks: {} as AssertionTweaks,
    async get(options: { publicKey: { challenge: Uint8Array; rpId?: string } }) {
      const tweaks = passkey.tweaks;
      passkey.tweaks = {};
      const challenge = tweaks.challenge ?? new Uint8Array(options.publicKey.challenge);
      const clientDataJSON = new TextEncoder().encode(
        JSON.stringify({ type: tweaks.type ?? "webauthn.get", challenge: Buffer.from(challenge).toString("base64url"), origin: tweaks.origin ?? origin, crossOrigin: false }),
      );
      const counter = new Uint8Array(4);
      new DataView(counter.buffer).setUint32(0, tweaks.signCount ?? ++signCount);
      const authenticatorData = new Uint8Array([...sha256(new TextEncoder().encode(tweaks.rpId ?? rpId)), tweaks.flags ?? FLAG_UP | FLAG_UV, ...counter]);
      const signed = new Uint8Array([...authenticatorData, ...sha256(clientDataJSON)]);
      const signature = p256.sign(signed, tweaks.signingKey ?? secretKey, { format: "der" });
      return {
        type: "public-key",
        id: credentialId,
        rawId: Buffer.from(credentialId, "base64url"),
        response: { clientDataJSON, authenticatorData, signature, userHandle: null },
        getClientExtensionResults: () => ({}),
      };
    },
    /**
     * The credential's registration for `challenge` (base64url), as `v1Attestation`: what
     * `navigator.credentials.create` gives core's `createPasskey`. `packed` is self-attestation.
     */
    attest(challenge: string, options: { fmt?: "none" | "packed" | "tpm"; rpId?: string; type?: string; signingKey?: Uint8Array } = {}) {
      const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: options.type ?? "webauthn.create", challenge, origin, crossOrigin: false }));
      const point = p256.getPublicKey(secretKey, false);
      const cose = cbor(new Map<CborValue, CborValue>([[1, 2], [3, -7], [-1, 1], [-2, point.subarray(1, 33)], [-3, point.subarray(33)]]));
      const rawId = Buffer.from(credentialId, "base64url");
      const authData = new Uint8Array([
        ...sha256(new TextEncoder().encode(options.rpId ?? rpId)),
        FLAG_UP | FLAG_UV | 0x40,
        0, 0, 0, 0,
        ...new Uint8Array(16),
        rawId.length >> 8, rawId.length & 0xff,
        ...rawId,
        ...cose,
      ]);
      const fmt = options.fmt ?? "none";
      const signature = p256.sign(new Uint8Array([...authData, ...sha256(clientDataJSON)]), options.signingKey ?? secretKey, { format: "der" });
      const attStmt = new Map<CborValue, CborValue>(fmt === "none" ? [] : [["alg", -7], ["sig", signature]]);
      const attestationObject = cbor(new Map<CborValue, CborValue>([["fmt", fmt], ["attStmt", attStmt], ["authData", authData]]));
      return {
        credentialId,
        clientDataJson: Buffer.from(clientDataJSON).toString("base64url"),
        attestationObject: Buffer.from(attestationObject).toString("base64url"),
        transports: ["AUTHENTICATOR_TRANSPORT_INTERNAL" as const],
      };
    },
  };
  return passkey;
}

type CborValue = number | string | Uint8Array | Map<CborValue, CborValue>;

/** CBOR (RFC 8949) of the few types a WebAuthn attestation object holds. */
function cbor(value: CborValue): Uint8Array {
  const head = (major: number, length: number) =>
    length < 24 ? [(major << 5) | length] : length < 256 ? [(major << 5) | 24, length] : [(major << 5) | 25, length >> 8, length & 0xff];
  if (typeof value === "number") return new Uint8Array(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return new Uint8Array([...head(3, bytes.length), ...bytes]);
  }
  if (value instanceof Uint8Array) return new Uint8Array([...head(2, value.length), ...value]);
  const entries = [...value].flatMap(([key, item]) => [...cbor(key), ...cbor(item)]);
  return new Uint8Array([...head(5, value.size), ...entries]);
}

/** An Ethereum wallet for Turnkey's `WalletStamper`: it signs with `personal_sign` (EIP-191), as a browser wallet does. */
export function ethereumWallet(secretKey = secp256k1.utils.randomSecretKey()) {
  const account = privateKeyToAccount(`0x${bytesToHex(secretKey)}`);
  const wallet = new (class extends BaseEthereumWallet {
    signMessage(message: string): Promise<`0x${string}`> {
      return account.signMessage({ message });
    }
  })();
  return { wallet, secretKey, publicKey: bytesToHex(secp256k1.getPublicKey(secretKey, true)) };
}
