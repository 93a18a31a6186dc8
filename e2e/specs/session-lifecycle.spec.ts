/**
 * The vault core end to end: a dApp page logs in through `window.turnkeySession`, refreshes with
 * each of refreshSession's parameters, and the stand-in (which verifies every stamp) shows what
 * Turnkey would have received. Two origins on one server stay apart.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "../support/fixtures.ts";
import { call, keyPairKeys, login, value, vaultStorage } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";

test.beforeEach(({ standin }) => standin.reset());

test("log in, refresh, read: the refresh is stamped by the session's own key for its organization", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin);

  const result = await value<{ session: string; activity: { status: string } }>(page, "refreshSession");
  expect(result.activity.status).toBe("ACTIVITY_STATUS_COMPLETED");

  const [request] = standin.requests({ path: STAMP_LOGIN });
  expect(request!.status).toBe(200);
  expect(request!.stampPublicKey).toBe(first.publicKey);
  const body = request!.body as { organizationId: string; type: string; parameters: Record<string, unknown> };
  expect(body.organizationId).toBe(first.organizationId);
  expect(body.type).toBe("ACTIVITY_TYPE_STAMP_LOGIN");
  expect(body.parameters).toEqual({ publicKey: expect.stringMatching(/^0[23][0-9a-f]{64}$/), expirationSeconds: "900", invalidateExisting: false });

  const session = await value<{ token: string; publicKey: string; expirationSeconds: string; userId: string }>(page, "getSession");
  expect(session.token).toBe(result.session);
  expect(session.publicKey).toBe(body.parameters.publicKey);
  expect(session.expirationSeconds).toBe("900");
  expect(session.userId).toBe(first.userId);

  // Exactly one key pair is left, the new session's; it is not readable in storage.
  const storage = await vaultStorage(vault);
  expect(keyPairKeys(storage)).toEqual([`keypair:${session.publicKey}`]);
  expect(JSON.stringify(storage)).not.toContain(first.publicKey);

  // The vault stamps for the page: whoami at the stand-in with the refreshed key succeeds.
  const whoamiBody = JSON.stringify({ organizationId: first.organizationId });
  const stamp = await value<{ stampHeaderName: string; stampHeaderValue: string }>(page, "stamp", whoamiBody);
  const whoami = await page.evaluate(
    async ([url, body, stamp]) => (await fetch(url, { method: "POST", body, headers: { [stamp.stampHeaderName]: stamp.stampHeaderValue } })).json(),
    [`${standin.url}/public/v1/query/whoami`, whoamiBody, stamp] as const,
  );
  expect(whoami).toMatchObject({ organizationId: first.organizationId, userId: first.userId });
});

test("refreshSession passes expirationSeconds, both spellings of invalidateExisting, publicKey and sessionKey", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const a = await login(page, standin, { sessionKey: "a" });
  const orgB = randomUUID();
  const b = await login(page, standin, { sessionKey: "b", organizationId: orgB });
  expect(await value(page, "getActiveSessionKey")).toBe("b");

  await value(page, "refreshSession", { sessionKey: "a", expirationSeconds: 3600 });
  await value(page, "refreshSession", { sessionKey: "a", expirationSeconds: "120", invalidateExisitng: true });
  const mine = await value<string>(page, "createApiKeyPair");
  await value(page, "refreshSession", { sessionKey: "b", publicKey: mine, invalidateExisting: true });

  const requests = standin.requests({ path: STAMP_LOGIN }).map((r) => ({ by: r.stampPublicKey, body: r.body as { organizationId: string; parameters: Record<string, unknown> } }));
  expect(requests.map((r) => r.body.parameters.expirationSeconds)).toEqual(["3600", "120", "900"]);
  expect(requests.map((r) => r.body.parameters.invalidateExisting)).toEqual([false, true, true]);
  expect(requests.map((r) => r.body.organizationId)).toEqual([a.organizationId, a.organizationId, orgB]);
  expect(requests[0]!.by).toBe(a.publicKey);
  expect(requests[2]!.by).toBe(b.publicKey);
  expect(requests[2]!.body.parameters.publicKey).toBe(mine);

  const sessions = await value<Record<string, { publicKey: string; expirationSeconds: string }>>(page, "getAllSessions");
  expect(sessions.a!.expirationSeconds).toBe("120");
  expect(sessions.b!.publicKey).toBe(mine);
  expect(await value(page, "getActiveSessionKey")).toBe("b"); // refreshing never switches the active session

  // invalidateExisting left exactly the newest login key of each user alive at the stand-in.
  const liveKeys = (userId: string) => standin.apiKeys(userId).filter((k) => !k.invalidated && (k.expiresAt ?? Infinity) > Date.now());
  expect(liveKeys(a.userId).map((k) => k.publicKey)).toEqual([sessions.a!.publicKey]);
  expect(liveKeys(b.userId).map((k) => k.publicKey)).toEqual([mine]);

  for (const [params, code] of [
    [{ stampWith: "passkey" }, "INVALID_CONFIGURATION"],
    [{ stampWith: "wallet" }, "INVALID_CONFIGURATION"],
    [{ publicKey: "02" + "55".repeat(32) }, "INVALID_REQUEST"],
    [{ sessionKey: "missing" }, "NO_SESSION_FOUND"],
    [{ expirationSeconds: "15m" }, "VALIDATION_ERROR"],
  ] as const) {
    const outcome = await call(page, "refreshSession", params);
    expect(outcome.ok ? "resolved" : outcome.error.code, JSON.stringify(params)).toBe(code);
  }
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(3);
});

test("two origins on one host are two vaults", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const pageA = await openDapp(vault, originA);
  const pageB = await openDapp(vault, originB);
  const a = await login(pageA, standin);

  expect(await value(pageB, "getSession")).toBeUndefined();
  expect(await value(pageB, "getAllSessions")).toBeUndefined();
  const stamp = await call(pageB, "stamp", "{}");
  expect(stamp.ok ? null : stamp.error.code).toBe("NO_SESSION_FOUND");
  // B cannot store A's token: it does not hold A's key pair.
  const steal = await call(pageB, "storeSession", { sessionToken: a.session, apiBaseUrl: standin.url });
  expect(steal.ok ? null : steal.error.code).toBe("INVALID_REQUEST");
  // Nor refresh using A's key as its own new key.
  await login(pageB, standin);
  const borrow = await call(pageB, "refreshSession", { publicKey: a.publicKey });
  expect(borrow.ok ? null : borrow.error.code).toBe("INVALID_REQUEST");

  await value(pageB, "clearAllSessions");
  expect((await value<{ token: string }>(pageA, "getSession")).token).toBe(a.session);
});

test("the session lifecycle methods behave as @turnkey/core's", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  expect(await value(page, "getActiveSessionKey")).toBeUndefined();
  await value(page, "clearAllSessions"); // nothing to do: resolves
  const a = await login(page, standin, { sessionKey: "a" });
  await login(page, standin, { sessionKey: "b" });
  await value(page, "setActiveSession", { sessionKey: "a" });
  expect((await value<{ publicKey: string }>(page, "getSession")).publicKey).toBe(a.publicKey);
  const missing = await call(page, "setActiveSession", { sessionKey: "zzz" });
  expect(missing.ok ? null : missing.error).toMatchObject({ name: "TurnkeyError", code: "NO_SESSION_FOUND", isError: true });

  await value(page, "logout");
  expect(await value(page, "getActiveSessionKey")).toBeUndefined();
  expect(Object.keys(await value<Record<string, unknown>>(page, "getAllSessions"))).toEqual(["b"]);
  const spare = await value<string>(page, "createApiKeyPair");
  await value(page, "clearUnusedKeyPairs"); // spares a login in progress
  expect(keyPairKeys(await vaultStorage(vault))).toContain(`keypair:${spare}`);
  await value(page, "clearSession", { sessionKey: "b" });
  expect(await value(page, "getAllSessions")).toBeUndefined();
  await value(page, "clearAllSessions");
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([]);
});
