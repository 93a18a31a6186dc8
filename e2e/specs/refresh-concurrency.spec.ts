/**
 * Single-flight refreshes and worker restarts in the real browser: concurrent refreshes of one
 * session share one stamp_login, and a service worker stopped between or during calls loses
 * nothing: afterwards the session is the old one or the new one, and no key pair is left over.
 */
import { expect, test } from "../support/fixtures.ts";
import { call, keyPairKeys, login, value, vaultStorage } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";

test.beforeEach(({ standin }) => standin.reset());

test("20 concurrent refreshes from one page become one stamp_login", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  await login(page, standin);
  standin.inject({ path: STAMP_LOGIN, delayMs: 300 }); // keep the first one in flight while the rest arrive

  const tokens = await page.evaluate(async () => {
    const vault = (window as unknown as { turnkeySession: { refreshSession(): Promise<{ session: string }> } }).turnkeySession;
    return (await Promise.all(Array.from({ length: 20 }, () => vault.refreshSession()))).map((r) => r.session);
  });

  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
  expect(new Set(tokens).size).toBe(1);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(tokens[0]);
  expect(keyPairKeys(await vaultStorage(vault))).toHaveLength(1);
});

test("concurrent refreshes from two tabs of one origin share one stamp_login", async ({ vault, standin, dappServer, openDapp }) => {
  const tab1 = await openDapp(vault, dappServer.origins[0]);
  const tab2 = await openDapp(vault, dappServer.origins[0]);
  await login(tab1, standin);
  standin.inject({ path: STAMP_LOGIN, delayMs: 300 });
  const [a, b] = await Promise.all([value<{ session: string }>(tab1, "refreshSession"), value<{ session: string }>(tab2, "refreshSession")]);
  expect(a.session).toBe(b.session);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
});

test("the worker stopped between calls: the next call reconnects, state intact, no reload", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin);
  await vault.stopWorker();
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(first.session);
  await vault.stopWorker();
  const refreshed = await value<{ session: string }>(page, "refreshSession");
  await vault.stopWorker();
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(refreshed.session);
  expect(await value(page, "stamp", "{}")).toMatchObject({ stampHeaderName: "X-Stamp" });
});

test("the worker stopped during a refresh: the old session survives, the orphan key pair is swept", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin);
  standin.inject({ path: STAMP_LOGIN, delayMs: 2_000 });

  const pending = call(page, "refreshSession");
  await expect.poll(() => standin.requests({ path: STAMP_LOGIN }).length).toBe(1);
  await vault.stopWorker();
  const outcome = await pending;
  expect(outcome.ok ? "resolved" : outcome.error.code).toBe("SERVICE_UNAVAILABLE");

  // After restart: the old session, still usable; only its key pair remains.
  const session = await value<{ token: string; publicKey: string }>(page, "getSession");
  expect(session.token).toBe(first.session);
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${first.publicKey}`]);
  const again = await value<{ session: string }>(page, "refreshSession");
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(again.session);
});
