/**
 * Vault events reach every open tab of the session's origin, and no other origin, also after
 * the worker restarted (when the frame is reached through `tabs.sendMessage`, not its old port).
 */
import { expect, test } from "../support/fixtures.ts";
import { login, recordEvents, value } from "../support/vault-calls.ts";

test.beforeEach(({ standin }) => standin.reset());

test("events reach every tab of the origin and no other", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const tab1 = await openDapp(vault, originA);
  const tab2 = await openDapp(vault, originA);
  const other = await openDapp(vault, originB);
  const [seen1, seen2, seenOther] = await Promise.all([recordEvents(tab1), recordEvents(tab2), recordEvents(other)]);

  await login(tab1, standin);
  await value(tab1, "refreshSession");
  await value(tab1, "logout");

  const expected = [
    { type: "sessionStored", sessionKey: "@turnkey/session/v3", hasToken: true },
    { type: "sessionRefreshed", sessionKey: "@turnkey/session/v3", hasToken: true },
    { type: "sessionCleared", sessionKey: "@turnkey/session/v3", hasToken: false },
  ];
  await expect.poll(seen2).toEqual(expected);
  await expect.poll(seen1).toEqual(expected);
  expect(await seenOther()).toEqual([]);
});

test("after the worker restarts, a tab that only listens still gets events", async ({ vault, standin, dappServer, openDapp }) => {
  const actor = await openDapp(vault, dappServer.origins[0]);
  const listener = await openDapp(vault, dappServer.origins[0]);
  const seen = await recordEvents(listener);
  await login(actor, standin);
  await expect.poll(seen).toHaveLength(1);

  await vault.stopWorker();
  await value(actor, "refreshSession");
  await expect.poll(seen).toEqual([
    { type: "sessionStored", sessionKey: "@turnkey/session/v3", hasToken: true },
    { type: "sessionRefreshed", sessionKey: "@turnkey/session/v3", hasToken: true },
  ]);
});

test("the calling tab hears its own call's event before the call resolves, with the session the call stored", async ({ vault, standin, dappServer, openDapp }) => {
  const tab = await openDapp(vault, dappServer.origins[0]);
  const publicKey = await value<string>(tab, "createApiKeyPair");
  const { session: sessionToken } = standin.mint({ publicKey });
  // The events ride on the replies (docs/architecture.md#events-ride-on-replies): by the time each
  // call's promise settles, its event has been dispatched on the provider.
  const heard = await tab.evaluate(async ([sessionToken, apiBaseUrl]) => {
    const vault = (window as unknown as { turnkeySession: EventTarget & Record<string, (...a: unknown[]) => Promise<unknown>> }).turnkeySession;
    const events: { type: string; token: string }[] = [];
    for (const type of ["sessionStored", "sessionRefreshed"]) {
      vault.addEventListener(type, (event) => events.push({ type, token: (event as CustomEvent).detail.session.token }));
    }
    await vault.storeSession!({ sessionToken, apiBaseUrl });
    const afterStore = [...events];
    const refreshed = (await vault.refreshSession!()) as { session: string };
    return { afterStore, afterRefresh: [...events], refreshedToken: refreshed.session };
  }, [sessionToken, standin.url] as const);
  expect(heard.afterStore).toEqual([{ type: "sessionStored", token: sessionToken }]);
  expect(heard.afterRefresh).toEqual([
    { type: "sessionStored", token: sessionToken },
    { type: "sessionRefreshed", token: heard.refreshedToken },
  ]);
});
