/**
 * Vault events reach every open tab of the session's origin, and no other origin, also after
 * the worker restarted (when the frame is reached through `tabs.sendMessage`, not its old port).
 */
import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures.ts";
import { login, value } from "../support/vault-calls.ts";

test.beforeEach(({ standin }) => standin.reset());

/** Starts recording vault events in the page; returns a reader of what arrived. */
async function recordEvents(page: Page): Promise<() => Promise<{ type: string; sessionKey: string; hasToken: boolean }[]>> {
  await page.evaluate(() => {
    const seen: unknown[] = ((window as unknown as { seen: unknown[] }).seen = []);
    const vault = (window as unknown as { turnkeySession: EventTarget }).turnkeySession;
    for (const type of ["sessionStored", "sessionRefreshed", "sessionExpiring", "sessionExpired", "sessionCleared"]) {
      vault.addEventListener(type, (event) => {
        const detail = (event as CustomEvent).detail;
        seen.push({ type, sessionKey: detail.sessionKey, hasToken: typeof detail.session?.token === "string" });
      });
    }
  });
  return () => page.evaluate(() => (window as unknown as { seen: { type: string; sessionKey: string; hasToken: boolean }[] }).seen);
}

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
