import { describe, expect, it } from "vitest";
import { base64UrlEncode, utf8Encode } from "./bytes.ts";
import { parseSessionJwt } from "./session-jwt.ts";
import { testSessionToken } from "./session-jwt.fixture.ts";

const PUBLIC_KEY = "02" + "ab".repeat(32);
const encode = (value: unknown) => base64UrlEncode(utf8Encode(JSON.stringify(value)));

describe("parseSessionJwt", () => {
  it("reads Turnkey's claims into a Session", () => {
    const token = testSessionToken({ exp: 1_900_000_000, public_key: PUBLIC_KEY, session_type: "SESSION_TYPE_READ_ONLY", user_id: "u", organization_id: "o" });
    expect(parseSessionJwt(token)).toEqual({
      sessionType: "SESSION_TYPE_READ_ONLY",
      userId: "u",
      organizationId: "o",
      expiry: 1_900_000_000,
      publicKey: PUBLIC_KEY,
      token,
    });
  });

  it("decodes base64url, not base64: '-' and '_' in the payload survive", () => {
    // "?>" and "~~~" make '/' and '+' in base64, hence '_' and '-' in base64url.
    const token = testSessionToken({ exp: 1_900_000_000, public_key: PUBLIC_KEY, user_id: "??>>~~~", organization_id: "o?>" });
    const payloadPart = token.split(".")[1]!;
    expect(payloadPart).toMatch(/[-_]/);
    expect(parseSessionJwt(token).userId).toBe("??>>~~~");
  });

  it("keeps the optional session_profile_id and scope", () => {
    const token = testSessionToken({ exp: 1_900_000_000, public_key: PUBLIC_KEY, session_profile_id: "p", scope: "s" });
    expect(parseSessionJwt(token)).toMatchObject({ sessionProfileId: "p", scope: "s" });
  });

  it.each([
    ["a missing user_id", { user_id: undefined }],
    ["a missing organization_id", { organization_id: "" }],
    ["a non-numeric exp", { exp: "soon" }],
    ["an uncompressed public key", { public_key: "04" + "ab".repeat(64) }],
    ["an unknown session type", { session_type: "SESSION_TYPE_ROOT" }],
  ])("refuses %s with VALIDATION_ERROR", (_label, override) => {
    const claims = { exp: 1_900_000_000, public_key: PUBLIC_KEY, ...override } as Parameters<typeof testSessionToken>[0];
    expect(() => parseSessionJwt(testSessionToken(claims))).toThrow(expect.objectContaining({ name: "TurnkeyError", code: "VALIDATION_ERROR" }));
  });

  it.each([
    ["a number", 42],
    ["two parts", "a.b"],
    ["a non-JSON payload", `${encode({ alg: "ES256" })}.bm90IGpzb24.sig`],
    ["an alg other than ES256", `${encode({ alg: "none" })}.${encode({ exp: 1 })}.sig`],
    ["plain base64 with '+' and '/'", `${encode({ alg: "ES256" })}.ab+/cd.sig`],
    ["a huge string", "a".repeat(10_000)],
  ])("refuses %s", (_label, token) => {
    expect(() => parseSessionJwt(token)).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
  });
});
