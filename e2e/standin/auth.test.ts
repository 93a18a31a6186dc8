/**
 * Stamp verification and key checks: real stamps are accepted (high-S too, any byte layout),
 * tampered, foreign, expired and garbled ones are refused with Turnkey's codes and messages.
 */
import { TurnkeyClient } from "@turnkey/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import {
  clientFor,
  clientWithStamper,
  expectTurnkeyError,
  newKeyPair,
  post,
  stampHeader,
  stampLoginBody,
} from "./testing.ts";

const WHOAMI = "/public/v1/query/whoami";
const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const UNAUTHENTICATED = 16;

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

function mintedKey() {
  const keyPair = newKeyPair();
  const { organizationId, userId } = standin.mint({ publicKey: keyPair.publicKey });
  return { keyPair, organizationId, userId };
}

describe("stamp verification", () => {
  it("refuses a body changed by one byte after stamping", async () => {
    const { keyPair, organizationId } = mintedKey();
    const signed = await clientFor(standin, keyPair).stampStampLogin(
      stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey, expirationSeconds: "900" }),
    );
    const tampered = signed.body.replace('"900"', '"901"');
    expect(tampered).not.toBe(signed.body);

    const { status, json } = await post(standin, STAMP_LOGIN, tampered, signed.stamp.stampHeaderValue);

    expect(status).toBe(401);
    expect(json).toEqual({
      code: UNAUTHENTICATED,
      message: "could not verify api key signature",
      details: [],
      turnkeyErrorCode: "",
    });
    expect(standin.requests({ path: STAMP_LOGIN }).at(-1)).toMatchObject({
      status: 401,
      stampPublicKey: keyPair.publicKey,
      rawBody: tampered,
    });
  });

  it("surfaces the refusal of a tampered body through TurnkeyRequestError", async () => {
    const { keyPair, organizationId } = mintedKey();
    // The stamper signs the payload with its first byte changed: the body sent is not the one signed.
    const client = clientWithStamper(standin, (payload) => stampHeader(keyPair, ` ${payload.slice(1)}`));

    await expectTurnkeyError(client.getWhoami({ organizationId }), UNAUTHENTICATED, "could not verify api key signature");
  });

  it("verifies the exact bytes received, not a re-serialisation", async () => {
    const { keyPair, organizationId, userId } = mintedKey();
    const pretty = JSON.stringify({ organizationId }, null, 2);

    const accepted = await post(standin, WHOAMI, pretty, stampHeader(keyPair, pretty));
    const refused = await post(standin, WHOAMI, pretty, stampHeader(keyPair, JSON.stringify({ organizationId })));

    expect(accepted).toMatchObject({ status: 200, json: { userId } });
    expect(refused).toMatchObject({ status: 401, json: { message: "could not verify api key signature" } });
  });

  it("accepts high-S signatures", async () => {
    const { keyPair, organizationId, userId } = mintedKey();
    const client = clientWithStamper(standin, (payload) => stampHeader(keyPair, payload, { highS: true }));

    await expect(client.getWhoami({ organizationId })).resolves.toMatchObject({ userId });
  });

  it("accepts a padded base64url stamp", async () => {
    const { keyPair, organizationId, userId } = mintedKey();
    const body = JSON.stringify({ organizationId });
    const stamp = stampHeader(keyPair, body);
    const padded = stamp + "=".repeat((4 - (stamp.length % 4)) % 4);

    await expect(post(standin, WHOAMI, body, padded)).resolves.toMatchObject({ status: 200, json: { userId } });
  });

  it.each([
    ["not base64url", "%%%not-a-stamp%%%", "could not extract api key stamp"],
    ["not JSON", Buffer.from("hello").toString("base64url"), "could not extract api key stamp"],
    ["JSON of the wrong shape", Buffer.from("[1,2]").toString("base64url"), "malformed activity stamp"],
  ])("refuses a garbled stamp (%s)", async (_label, header, message) => {
    const { organizationId } = mintedKey();
    const client = clientWithStamper(standin, () => header);

    const error = await expectTurnkeyError(client.getWhoami({ organizationId }), UNAUTHENTICATED, message);
    expect(error.message).toBe(`Turnkey error 16: ${message} (Details: [])`);
  });

  it("refuses a stamp with the wrong scheme, key or signature encoding", async () => {
    const { keyPair, organizationId } = mintedKey();
    const body = JSON.stringify({ organizationId });
    const good = JSON.parse(Buffer.from(stampHeader(keyPair, body), "base64url").toString());
    const variants = [
      { ...good, scheme: "SIGNATURE_SCHEME_TK_API_SECP256K1" },
      { ...good, publicKey: `04${keyPair.publicKey.slice(2)}` },
      { ...good, publicKey: `02${"ff".repeat(32)}` }, // x ≥ p: not on the curve
      { ...good, signature: "zz" },
      { ...good, signature: "3000" },
    ];
    for (const stamp of variants) {
      const header = Buffer.from(JSON.stringify(stamp)).toString("base64url");
      await expect(post(standin, WHOAMI, body, header)).resolves.toMatchObject({
        status: 401,
        json: { code: UNAUTHENTICATED, message: "malformed activity stamp" },
      });
    }
  });

  it("refuses a request without a stamp", async () => {
    const { organizationId } = mintedKey();

    const query = await post(standin, WHOAMI, JSON.stringify({ organizationId }));
    const activity = await post(standin, STAMP_LOGIN, "{}");

    expect(query).toMatchObject({
      status: 401,
      json: { code: UNAUTHENTICATED, message: "no valid authentication signature found for request" },
    });
    expect(activity).toMatchObject({
      status: 401,
      json: {
        code: UNAUTHENTICATED,
        message:
          "cannot authenticate public API activity request without a stamp (X-Stamp/X-Stamp-Webauthn header)",
      },
    });
  });
});

describe("stamping keys", () => {
  it("refuses a key that is not in the organization, as the SDK expects", async () => {
    const { organizationId } = mintedKey();
    const stranger = newKeyPair();
    const elsewhere = mintedKey(); // a live key, but of another organization

    for (const keyPair of [stranger, elsewhere.keyPair]) {
      const error = await expectTurnkeyError(
        clientFor(standin, keyPair).getWhoami({ organizationId }),
        UNAUTHENTICATED,
        "could not find public key in organization or its parent organization",
      );
      expect(error.message).toContain(`organizationId=${organizationId} publicKey=${keyPair.publicKey}`);
      expect(error.details).toEqual([
        { "@type": "type.googleapis.com/errors.v1.TurnkeyErrorDetail", turnkeyErrorCode: "PUBLIC_KEY_NOT_FOUND" },
      ]);
    }
    expect(standin.requests({ path: WHOAMI }).at(-1)).toMatchObject({
      status: 401,
      stampPublicKey: elsewhere.keyPair.publicKey,
    });
  });

  it("refuses an expired key, as the SDK expects", async () => {
    const keyPair = newKeyPair();
    const { organizationId } = standin.mint({ publicKey: keyPair.publicKey, expirationSeconds: 1 });
    const client = clientFor(standin, keyPair);
    await expect(client.getWhoami({ organizationId })).resolves.toBeDefined();

    await new Promise((resolve) => setTimeout(resolve, 1100));

    const error = await expectTurnkeyError(
      client.stampLogin(stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey })),
      UNAUTHENTICATED,
      "Unauthenticated desc = expired api key publicKey",
    );
    expect(error.message).toContain(`expired api key publicKey=${keyPair.publicKey}`);
    expect(standin.requests({ path: STAMP_LOGIN }).at(-1)?.status).toBe(401);
  });

  it("refuses an unknown or malformed organization ID", async () => {
    const { keyPair } = mintedKey();
    const client: TurnkeyClient = clientFor(standin, keyPair);

    await expectTurnkeyError(
      client.getWhoami({ organizationId: crypto.randomUUID() }),
      5,
      "no organization found with the given ID",
    );
    await expectTurnkeyError(client.getWhoami({ organizationId: "org-1" }), 3, "malformed organization ID provided");
  });
});
