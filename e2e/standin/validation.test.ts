/**
 * Request validation: stamp_login's body and parameters, and get_activity's lookups, refused with
 * InvalidArgument (400) and NotFound (404) as Turnkey does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { clientFor, expectTurnkeyError, newKeyPair, post, stampHeader, stampLoginBody } from "./testing.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

function minted() {
  const keyPair = newKeyPair();
  const { organizationId, userId } = standin.mint({ publicKey: keyPair.publicKey });
  return { keyPair, organizationId, userId };
}

/** POSTs, properly stamped, the stamp_login body (of any shape) made for a fresh user's organization. */
async function submit(bodyFor: (organizationId: string) => unknown) {
  const { keyPair, organizationId, userId } = minted();
  const raw = JSON.stringify(bodyFor(organizationId));
  const reply = await post(standin, STAMP_LOGIN, raw, stampHeader(keyPair, raw));
  return { ...reply, userId };
}

describe("stamp_login validation", () => {
  const valid = (organizationId: string) => stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey });

  it.each([
    ["a wrong activity type", (o: string) => ({ ...valid(o), type: "ACTIVITY_TYPE_STAMP_LOGIN_V2" })],
    ["a missing timestampMs", (o: string) => ({ ...valid(o), timestampMs: undefined })],
    ["a numeric timestampMs", (o: string) => ({ ...valid(o), timestampMs: Date.now() })],
    ["missing parameters", (o: string) => ({ ...valid(o), parameters: undefined })],
    ["an uncompressed public key", (o: string) => withParameters(o, { publicKey: `04${"11".repeat(64)}` })],
    ["an upper-case public key", (o: string) => withParameters(o, { publicKey: newKeyPair().publicKey.toUpperCase() })],
    ["a public key off the curve", (o: string) => withParameters(o, { publicKey: `03${"ff".repeat(32)}` })],
    ["a numeric expirationSeconds", (o: string) => withParameters(o, { expirationSeconds: 900 })],
    ["a string invalidateExisting", (o: string) => withParameters(o, { invalidateExisting: "true" })],
  ])("refuses %s with bad request body", async (_label, body) => {
    const { status, json, userId } = await submit(body);

    expect(status).toBe(400);
    expect(json).toMatchObject({ code: INVALID_ARGUMENT, details: [] });
    expect(json.message).toMatch(/^bad request body/);
    expect(standin.apiKeys(userId)).toHaveLength(1);
  });

  it.each(["0", "-5", "1.5", "9e2", "", "31536001"])(
    "refuses expirationSeconds %j with invalid api key expiration",
    async (expirationSeconds) => {
      const { status, json } = await submit((o: string) => withParameters(o, { expirationSeconds }));

      expect(status).toBe(400);
      expect(json).toMatchObject({ code: INVALID_ARGUMENT, message: "invalid api key expiration" });
    },
  );

  it("accepts expirationSeconds up to one year, and defaults to 900", async () => {
    const year = await submit((o: string) => withParameters(o, { expirationSeconds: "31536000" }));
    const unset = await submit((o: string) => withParameters(o, { expirationSeconds: undefined }));

    expect(year.status).toBe(200);
    expect(unset.status).toBe(200);
    const [, defaulted] = standin.apiKeys(unset.userId);
    expect((defaulted?.expiresAt ?? 0) - (defaulted?.createdAt ?? 0)).toBe(900_000);
  });

  it("refuses a body that is not a JSON object", async () => {
    const { keyPair } = minted();
    for (const raw of ["not json", "[]", "null"]) {
      await expect(post(standin, STAMP_LOGIN, raw, stampHeader(keyPair, raw))).resolves.toMatchObject({
        status: 400,
        json: { code: INVALID_ARGUMENT, message: "bad request body" },
      });
    }
  });
});

describe("get_activity lookups", () => {
  it("answers NotFound for an unknown activity id", async () => {
    const { keyPair, organizationId } = minted();

    await expectTurnkeyError(
      clientFor(standin, keyPair).getActivity({ organizationId, activityId: crypto.randomUUID() }),
      NOT_FOUND,
      "no activity found with the given ID",
    );
  });

  it("does not show one organization's activity to another", async () => {
    const a = minted();
    const b = minted();
    const { activity } = await clientFor(standin, a.keyPair).stampLogin(
      stampLoginBody(a.organizationId, { publicKey: newKeyPair().publicKey }),
    );

    await expectTurnkeyError(
      clientFor(standin, b.keyPair).getActivity({ organizationId: b.organizationId, activityId: activity.id }),
      NOT_FOUND,
      "no activity found with the given ID",
    );
  });
});

function withParameters(organizationId: string, parameters: Record<string, unknown>) {
  const body = stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey });
  return { ...body, parameters: { ...body.parameters, ...parameters } };
}
