/**
 * API keys created by stamp_login: Turnkey's limit of 10 expiring keys per user with its eviction
 * order (expired first, then the oldest live one), and `invalidateExisting`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { clientFor, expectTurnkeyError, type KeyPair, newKeyPair, stampLoginBody } from "./testing.ts";

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

const NOT_FOUND = "could not find public key in organization or its parent organization";

async function stampLogin(
  organizationId: string,
  stamper: KeyPair,
  parameters: { invalidateExisting?: boolean } = {},
): Promise<KeyPair> {
  const keyPair = newKeyPair();
  const body = stampLoginBody(organizationId, { publicKey: keyPair.publicKey, ...parameters });
  const { activity } = await clientFor(standin, stamper).stampLogin(body);
  expect(activity.status).toBe("ACTIVITY_STATUS_COMPLETED");
  return keyPair;
}

const publicKeys = (userId: string) => standin.apiKeys(userId).map((k) => k.publicKey);

describe("the expiring API key limit", () => {
  it("keeps 10 keys per user, evicting an expired key first, then the oldest live one", async () => {
    const first = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: first.publicKey });
    const shortLived = newKeyPair();
    standin.mint({ publicKey: shortLived.publicKey, organizationId, userId, expirationSeconds: 1 });
    const logins: KeyPair[] = [];
    for (let i = 0; i < 8; i++) logins.push(await stampLogin(organizationId, first));
    expect(publicKeys(userId)).toEqual([first, shortLived, ...logins].map((k) => k.publicKey));

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const ninth = await stampLogin(organizationId, first);

    // The expired key goes, although `first` is older.
    expect(publicKeys(userId)).toEqual([first, ...logins, ninth].map((k) => k.publicKey));

    const tenth = await stampLogin(organizationId, first);

    // No key has expired now: the oldest live one goes, even though it stamped this request.
    expect(publicKeys(userId)).toEqual([...logins, ninth, tenth].map((k) => k.publicKey));
    await expectTurnkeyError(clientFor(standin, first).getWhoami({ organizationId }), 16, NOT_FOUND);
    await expect(clientFor(standin, tenth).getWhoami({ organizationId })).resolves.toMatchObject({ userId });
  });

  it("counts keys per user, not per organization", async () => {
    const a = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: a.publicKey });
    const b = newKeyPair();
    const other = standin.mint({ publicKey: b.publicKey, organizationId });
    for (let i = 0; i < 9; i++) await stampLogin(organizationId, a);

    await stampLogin(organizationId, b);

    expect(standin.apiKeys(userId)).toHaveLength(10);
    expect(standin.apiKeys(other.userId)).toHaveLength(2);
  });
});

describe("invalidateExisting", () => {
  it("invalidates all the user's other login keys, and only the user's", async () => {
    const first = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: first.publicKey });
    const neighbour = newKeyPair();
    const other = standin.mint({ publicKey: neighbour.publicKey, organizationId });
    const second = await stampLogin(organizationId, first);

    const third = await stampLogin(organizationId, second, { invalidateExisting: true });

    expect(standin.apiKeys(userId).map((k) => [k.publicKey, k.invalidated])).toEqual([
      [first.publicKey, true],
      [second.publicKey, true],
      [third.publicKey, false],
    ]);
    for (const stale of [first, second]) {
      await expectTurnkeyError(clientFor(standin, stale).getWhoami({ organizationId }), 16, NOT_FOUND);
    }
    await expect(clientFor(standin, third).getWhoami({ organizationId })).resolves.toMatchObject({ userId });
    await expect(clientFor(standin, neighbour).getWhoami({ organizationId })).resolves.toMatchObject({
      userId: other.userId,
    });
  });

  it("leaves the other keys alone when false", async () => {
    const first = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: first.publicKey });

    await stampLogin(organizationId, first, { invalidateExisting: false });

    expect(standin.apiKeys(userId).map((k) => k.invalidated)).toEqual([false, false]);
  });

  it("frees the invalidated keys' places under the limit", async () => {
    const first = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: first.publicKey });
    for (let i = 0; i < 9; i++) await stampLogin(organizationId, first);
    // At the limit: invalidating comes first, so nothing live is evicted for the new key.
    const fresh = await stampLogin(organizationId, first, { invalidateExisting: true });

    const next = await stampLogin(organizationId, fresh);

    const keys = standin.apiKeys(userId);
    expect(keys.filter((k) => !k.invalidated).map((k) => k.publicKey)).toEqual([fresh.publicKey, next.publicKey]);
    expect(keys.filter((k) => k.invalidated)).toHaveLength(10);
  });
});
