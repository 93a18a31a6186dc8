/**
 * Turnkey's own client packages work against the stand-in: `@turnkey/http`'s TurnkeyClient with
 * `@turnkey/api-key-stamper`, and the session JWT verifies with `@turnkey/crypto`.
 */
import { verifySessionJwtSignature } from "@turnkey/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { clientFor, jwtClaims, newKeyPair, stampLoginBody } from "./testing.ts";

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

describe("with Turnkey's clients", () => {
  it("mints a first session whose JWT has Turnkey's format and verifies with the notarizer key", async () => {
    const keyPair = newKeyPair();
    const before = Math.floor(Date.now() / 1000);
    const { session, organizationId, userId } = standin.mint({ publicKey: keyPair.publicKey });

    const [header, , signature] = session.split(".");
    expect(JSON.parse(Buffer.from(header ?? "", "base64url").toString())).toEqual({ alg: "ES256", typ: "JWT" });
    expect(Buffer.from(signature ?? "", "base64url")).toHaveLength(64);
    expect(session).not.toContain("=");
    const claims = jwtClaims(session);
    expect(Object.keys(claims)).toEqual(["exp", "public_key", "session_type", "user_id", "organization_id"]);
    expect(claims).toMatchObject({
      public_key: keyPair.publicKey,
      session_type: "SESSION_TYPE_READ_WRITE",
      user_id: userId,
      organization_id: organizationId,
    });
    expect(claims.exp).toBeGreaterThanOrEqual(before + 900);
    expect(claims.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 900);

    await expect(verifySessionJwtSignature(session, standin.notarizerPublicKey)).resolves.toBe(true);
    await expect(verifySessionJwtSignature(session, newKeyPair().publicKey)).resolves.toBe(false);
    await expect(verifySessionJwtSignature(session)).resolves.toBe(false); // not Turnkey's production key
  });

  it("answers whoami for the stamping key's user", async () => {
    const keyPair = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: keyPair.publicKey });

    const whoami = await clientFor(standin, keyPair).getWhoami({ organizationId });

    expect(whoami).toEqual({
      organizationId,
      organizationName: expect.any(String),
      userId,
      username: expect.any(String),
    });
  });

  it("refreshes a session with stamp_login and the new key then stamps", async () => {
    const oldKey = newKeyPair();
    const newKey = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: oldKey.publicKey });

    const body = stampLoginBody(organizationId, { publicKey: newKey.publicKey, expirationSeconds: "3600" });
    const before = Date.now();
    const { activity } = await clientFor(standin, oldKey).stampLogin(body);

    expect(activity).toMatchObject({
      organizationId,
      status: "ACTIVITY_STATUS_COMPLETED",
      type: "ACTIVITY_TYPE_STAMP_LOGIN",
      intent: { stampLoginIntent: body.parameters },
      votes: [],
      canApprove: false,
      canReject: false,
    });
    expect(activity.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(activity.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Number(activity.createdAt.seconds)).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(activity.createdAt.nanos).toMatch(/^[0-9]+$/);

    const session = activity.result.stampLoginResult?.session ?? "";
    await expect(verifySessionJwtSignature(session, standin.notarizerPublicKey)).resolves.toBe(true);
    const claims = jwtClaims(session);
    expect(claims).toMatchObject({ public_key: newKey.publicKey, user_id: userId, organization_id: organizationId });
    expect(claims.exp).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 3600);

    const keys = standin.apiKeys(userId);
    expect(keys.map((k) => k.publicKey)).toEqual([oldKey.publicKey, newKey.publicKey]);
    expect(keys[1]?.expiresAt).toBe((keys[1]?.createdAt ?? 0) + 3_600_000);
    await expect(clientFor(standin, newKey).getWhoami({ organizationId })).resolves.toMatchObject({ userId });
  });

  it("reads the activity back with get_activity", async () => {
    const keyPair = newKeyPair();
    const { organizationId } = standin.mint({ publicKey: keyPair.publicKey });
    const client = clientFor(standin, keyPair);
    const { activity } = await client.stampLogin(stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey }));

    const read = await client.getActivity({ organizationId, activityId: activity.id });

    expect(read.activity).toEqual(activity);
  });

  it("records each request with its stamp's public key and the status answered", async () => {
    const keyPair = newKeyPair();
    const { organizationId } = standin.mint({ publicKey: keyPair.publicKey });
    const since = Date.now();

    await clientFor(standin, keyPair).getWhoami({ organizationId });

    const [request] = standin.requests({ path: "/public/v1/query/whoami" }).filter((r) => r.at >= since);
    expect(request).toMatchObject({
      method: "POST",
      rawBody: JSON.stringify({ organizationId }),
      body: { organizationId },
      stampPublicKey: keyPair.publicKey,
      status: 200,
    });
    expect(request?.headers["x-client-version"]).toMatch(/^@turnkey\/http@/);
  });
});
