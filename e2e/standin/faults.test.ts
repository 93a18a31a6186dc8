/**
 * Injected faults: error statuses and bodies, delays, dropped connections, pending activities that
 * complete through get_activity, and activities answered in a failed status; FIFO order, `times`
 * and path matching.
 */
import { createActivityPoller, TurnkeyActivityError } from "@turnkey/http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { clientFor, expectTurnkeyError, newKeyPair, stampLoginBody } from "./testing.ts";

const WHOAMI = "/public/v1/query/whoami";
const STAMP_LOGIN = "/public/v1/submit/stamp_login";

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
beforeEach(() => standin.reset());
afterAll(() => standin.close());

function minted() {
  const keyPair = newKeyPair();
  const { organizationId, userId } = standin.mint({ publicKey: keyPair.publicKey });
  return { client: clientFor(standin, keyPair), organizationId, userId };
}

const statuses = (path: string) => standin.requests({ path }).map((r) => r.status);

describe("status faults", () => {
  it("answers once with the status and a Turnkey-shaped error, then normally", async () => {
    const { client, organizationId } = minted();
    standin.inject({ status: 503 });

    await expectTurnkeyError(client.getWhoami({ organizationId }), 14, "Service Unavailable");
    await expect(client.getWhoami({ organizationId })).resolves.toBeDefined();
    expect(statuses(WHOAMI)).toEqual([503, 200]);
  });

  it("sends a given raw body", async () => {
    const { client, organizationId } = minted();
    standin.inject({ status: 502, body: "<html>Bad Gateway</html>" });

    await expect(client.getWhoami({ organizationId })).rejects.toThrow("502 Bad Gateway");
  });

  it("applies `times` times, with Turnkey's rate-limit message for 429", async () => {
    const { client, organizationId } = minted();
    standin.inject({ status: 429, times: 2 });

    for (let i = 0; i < 2; i++) {
      await expectTurnkeyError(client.getWhoami({ organizationId }), 8, "it has been rate limited");
    }
    await expect(client.getWhoami({ organizationId })).resolves.toBeDefined();
  });

  it("applies in FIFO order, each only to its path", async () => {
    const { client, organizationId } = minted();
    standin.inject({ path: WHOAMI, status: 500 });
    standin.inject({ status: 401 });
    standin.inject({ status: 403 });

    await expectTurnkeyError(
      client.stampLogin(stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey })),
      16,
      "Unauthorized",
    );
    await expectTurnkeyError(client.getWhoami({ organizationId }), 13, "internal server error (");
    await expectTurnkeyError(client.getWhoami({ organizationId }), 7, "Forbidden");
    expect(statuses(STAMP_LOGIN)).toEqual([401]);
    expect(statuses(WHOAMI)).toEqual([500, 403]);
  });

  it("refuses invalid faults", () => {
    expect(() => standin.inject({ status: 42 })).toThrow("invalid fault: status");
    expect(() => standin.inject({ times: 0 })).toThrow("invalid fault: times");
    expect(() => standin.inject({ pendingPolls: 1, activityStatus: "ACTIVITY_STATUS_FAILED" })).toThrow();
    expect(() => standin.inject({ activityStatus: "DONE" })).toThrow("invalid fault: activityStatus");
    expect(() => standin.inject({ delay: 5 } as never)).toThrow("invalid fault: unknown field delay");
  });
});

describe("delay and drop faults", () => {
  it("delays the answer", async () => {
    const { client, organizationId, userId } = minted();
    standin.inject({ delayMs: 300 });

    const started = performance.now();
    await expect(client.getWhoami({ organizationId })).resolves.toMatchObject({ userId });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("delays, then applies the rest of the fault", async () => {
    const { client, organizationId } = minted();
    standin.inject({ delayMs: 200, status: 504 });

    const started = performance.now();
    await expectTurnkeyError(client.getWhoami({ organizationId }), 4, "Gateway Timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("drops the connection without an answer", async () => {
    const { client, organizationId } = minted();
    standin.inject({ drop: true });

    await expect(client.getWhoami({ organizationId })).rejects.toThrow();
    await expect(client.getWhoami({ organizationId })).resolves.toBeDefined();
    expect(statuses(WHOAMI)).toEqual([0, 200]);
  });
});

describe("activity faults", () => {
  it("holds stamp_login PENDING for pendingPolls reads, then get_activity completes it", async () => {
    const { client, organizationId, userId } = minted();
    standin.inject({ pendingPolls: 2 });
    const newKey = newKeyPair();

    const { activity } = await client.stampLogin(stampLoginBody(organizationId, { publicKey: newKey.publicKey }));
    expect(activity).toMatchObject({ status: "ACTIVITY_STATUS_PENDING", result: {} });
    const poll = () => client.getActivity({ organizationId, activityId: activity.id });
    expect((await poll()).activity.status).toBe("ACTIVITY_STATUS_PENDING");
    expect((await poll()).activity.status).toBe("ACTIVITY_STATUS_PENDING");
    expect(standin.apiKeys(userId)).toHaveLength(1); // not run yet

    const { activity: done } = await poll();

    expect(done).toMatchObject({ id: activity.id, status: "ACTIVITY_STATUS_COMPLETED" });
    expect(done.result.stampLoginResult?.session).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(standin.apiKeys(userId).map((k) => k.publicKey)).toContain(newKey.publicKey);
    expect((await poll()).activity).toEqual(done);
  });

  it("lets @turnkey/http's activity poller wait a pending stamp_login out", async () => {
    const { client, organizationId } = minted();
    standin.inject({ pendingPolls: 3 });
    const poller = createActivityPoller({ client, requestFn: client.stampLogin, refreshIntervalMs: 10 });

    const activity = await poller(stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey }));

    expect(activity.status).toBe("ACTIVITY_STATUS_COMPLETED");
    expect(statuses("/public/v1/query/get_activity")).toHaveLength(4);
  });

  it("answers stamp_login with a FAILED activity and no session", async () => {
    const { client, organizationId, userId } = minted();
    standin.inject({ activityStatus: "ACTIVITY_STATUS_FAILED" });

    const { activity } = await client.stampLogin(stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey }));

    expect(activity).toMatchObject({ status: "ACTIVITY_STATUS_FAILED", result: {} });
    expect(activity.failure).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    expect(standin.apiKeys(userId)).toHaveLength(1);
    await expect(client.getActivity({ organizationId, activityId: activity.id })).resolves.toEqual({ activity });
  });

  it("makes @turnkey/http's activity poller fail on a FAILED activity", async () => {
    const { client, organizationId } = minted();
    standin.inject({ activityStatus: "ACTIVITY_STATUS_FAILED" });
    const poller = createActivityPoller({ client, requestFn: client.stampLogin, refreshIntervalMs: 10 });

    await expect(
      poller(stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey })),
    ).rejects.toBeInstanceOf(TurnkeyActivityError);
  });

  it("shapes only stamp_login when no path is given", async () => {
    const { client, organizationId } = minted();
    standin.inject({ activityStatus: "ACTIVITY_STATUS_REJECTED" });

    await expect(client.getWhoami({ organizationId })).resolves.toBeDefined();
    const { activity } = await client.stampLogin(stampLoginBody(organizationId, { publicKey: newKeyPair().publicKey }));

    expect(activity.status).toBe("ACTIVITY_STATUS_REJECTED");
  });
});
