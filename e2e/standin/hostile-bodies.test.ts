/**
 * Hostile input to the auth proxy, the login queries and attested stamps (fuzzed with
 * fast-check): every reply is a Turnkey-shaped refusal, never a crash (500), and nothing is
 * created: no OTP sent, no account, no session key.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAttestation } from "./attestation.ts";
import { ApiError } from "./errors.ts";
import { type Standin, startStandin } from "./server.ts";
import { newKeyPair, stampHeader } from "./testing.ts";

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

const ENDPOINTS = ["/v1/otp_init_v2", "/v1/otp_verify_v2", "/v1/otp_login_v2", "/v1/account", "/v1/signup_v2"];

/** Objects shaped like the endpoints' bodies, with any JSON (or a garbled attestation) in each field. */
const body = fc.record(
  {
    otpType: fc.oneof(fc.constantFrom("OTP_TYPE_EMAIL", "OTP_TYPE_SMS"), fc.jsonValue()),
    contact: fc.oneof(fc.emailAddress(), fc.jsonValue()),
    otpId: fc.oneof(fc.uuid(), fc.jsonValue()),
    encryptedOtpBundle: fc.oneof(fc.json(), fc.jsonValue()),
    verificationToken: fc.oneof(fc.string(), fc.jsonValue()),
    publicKey: fc.oneof(fc.constant(newKeyPair().publicKey), fc.jsonValue()),
    clientSignature: fc.jsonValue(),
    filterType: fc.oneof(fc.constantFrom("EMAIL", "PHONE_NUMBER", "PUBLIC_KEY", "CREDENTIAL_ID"), fc.jsonValue()),
    filterValue: fc.jsonValue(),
    apiKeys: fc.oneof(fc.array(fc.record({ publicKey: fc.jsonValue(), curveType: fc.constantFrom("API_KEY_CURVE_P256", "API_KEY_CURVE_SECP256K1"), expirationSeconds: fc.jsonValue() })), fc.jsonValue()),
    authenticators: fc.oneof(
      fc.array(fc.record({ challenge: fc.string(), attestation: fc.record({ credentialId: fc.base64String(), clientDataJson: fc.base64String(), attestationObject: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("base64url")) }) })),
      fc.jsonValue(),
    ),
    wallet: fc.jsonValue(),
    userEmail: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe("hostile auth proxy bodies", () => {
  it("are refused with a Turnkey-shaped error, never a crash, and create nothing", async () => {
    const { authProxyUrl, authProxyConfigId } = standin.createAuthProxyConfig();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.oneof(body, fc.jsonValue()), async (path, value) => {
        const response = await fetch(authProxyUrl + path, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Auth-Proxy-Config-ID": authProxyConfigId },
          body: JSON.stringify(value),
        });
        const json = (await response.json()) as Record<string, unknown>;
        // otp_init_v2 may legitimately send a code, and account lookups may answer "no account".
        if (response.status === 200) {
          expect(["/v1/otp_init_v2", "/v1/account"]).toContain(path);
          return;
        }
        expect(response.status === 501 || (response.status >= 400 && response.status < 500), `${response.status} ${JSON.stringify(json)}`).toBe(true);
        expect(json).toEqual({ code: expect.any(Number), message: expect.any(String), details: expect.any(Array), turnkeyErrorCode: expect.any(String) });
      }),
      { numRuns: 300 },
    );
    expect(standin.requests().filter((r) => r.status === 500)).toEqual([]);
    await expect(
      fetch(`${authProxyUrl}/v1/account`, {
        method: "POST",
        headers: { "X-Auth-Proxy-Config-ID": authProxyConfigId },
        body: JSON.stringify({ filterType: "PUBLIC_KEY", filterValue: newKeyPair().publicKey }),
      }).then((r) => r.json()),
    ).resolves.toEqual({});
  });

  it("refuses garbled WebAuthn attestation objects (CBOR) with an ApiError only", () => {
    const clientDataJson = Buffer.from(JSON.stringify({ type: "webauthn.create", challenge: "Y2hhbGxlbmdl", origin: "http://localhost:5173" })).toString("base64url");
    // Random bytes, and CBOR-looking ones: a map header followed by random items.
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((b) => new Uint8Array([0xa3, 0x63, 0x66, 0x6d, 0x74, ...b])));
    fc.assert(
      fc.property(bytes, (attestationObject) => {
        const attempt = () =>
          parseAttestation({ challenge: "Y2hhbGxlbmdl", attestation: { credentialId: "AAAA", clientDataJson, attestationObject: Buffer.from(attestationObject).toString("base64url") } });
        expect(attempt).toThrow(ApiError);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses a garbled attested stamp on stamp_login, and changes no key", async () => {
    const keyPair = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: keyPair.publicKey });
    const rawBody = JSON.stringify({ parameters: { publicKey: newKeyPair().publicKey }, organizationId, timestampMs: String(Date.now()), type: "ACTIVITY_TYPE_STAMP_LOGIN" });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString("base64url"))), async (header) => {
        const response = await fetch(`${standin.url}/public/v1/submit/stamp_login`, { method: "POST", headers: { "X-Stamp-Attested": header }, body: rawBody });
        expect([401, 501]).toContain(response.status);
      }),
      { numRuns: 200 },
    );
    const both = await fetch(`${standin.url}/public/v1/submit/stamp_login`, {
      method: "POST",
      headers: { "X-Stamp-Attested": "e30", "X-Stamp": stampHeader(keyPair, rawBody) },
      body: rawBody,
    });
    expect(await both.json()).toMatchObject({ message: "more than one stamp header (X-Stamp and X-Stamp-Attested)" });
    expect(standin.apiKeys(userId).map((k) => k.publicKey)).toEqual([keyPair.publicKey]);
  });
});
