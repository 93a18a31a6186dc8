/**
 * Automatic refresh on the alarm timer, with short sessions minted at the stand-in: refreshed
 * with no page open and with the session's original duration; retried with backoff while the
 * API fails, then expired and cleared with `sessionExpired` in the origin's tabs only; warned
 * with `sessionExpiring` when auto-refresh is off; still on schedule after the worker and the
 * whole browser restarted.
 */
import type { Page } from "@playwright/test";
import { launchVault } from "../support/browser.ts";
import { expect, openVaultPage, test } from "../support/fixtures.ts";
import { keyPairKeys, login, recordEvents, value, vaultStorage } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";

test.beforeEach(({ standin }) => standin.reset());
test.describe.configure({ timeout: 90_000 });

/** The types of the vault events the page has received so far. */
async function recordEventTypes(page: Page): Promise<() => Promise<string[]>> {
  const read = await recordEvents(page);
  return async () => (await read()).map((event) => event.type);
}

test("a session is refreshed by the alarm with no page open, with its original duration", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin, { expirationSeconds: 20 });
  // A stored session's duration is the seconds its token had left when stored (docs/api.md):
  // one less when the store came in the second after the stand-in minted it.
  const duration = (await value<{ expirationSeconds: string }>(page, "getSession")).expirationSeconds;
  expect(["19", "20"]).toContain(duration);
  await page.close();

  await expect.poll(() => standin.requests({ path: STAMP_LOGIN }).length, { timeout: 30_000 }).toBe(1);
  const [request] = standin.requests({ path: STAMP_LOGIN });
  expect(request!.stampPublicKey).toBe(first.publicKey);
  expect((request!.body as { parameters: { expirationSeconds: string } }).parameters.expirationSeconds).toBe(duration);

  const reopened = await openDapp(vault, dappServer.origins[0]);
  await expect.poll(async () => (await value<{ publicKey: string }>(reopened, "getSession")).publicKey).not.toBe(first.publicKey);
  expect((await value<{ expirationSeconds: string }>(reopened, "getSession")).expirationSeconds).toBe(duration);
});

test("a failing API is retried with backoff, then the session expires and its tabs are told", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const tab1 = await openDapp(vault, originA);
  const tab2 = await openDapp(vault, originA);
  const other = await openDapp(vault, originB);
  const [seen1, seen2, seenOther] = await Promise.all([recordEventTypes(tab1), recordEventTypes(tab2), recordEventTypes(other)]);
  standin.inject({ path: STAMP_LOGIN, status: 503, times: 1_000 });
  const first = await login(tab1, standin, { expirationSeconds: 16 });

  await expect.poll(seen1, { timeout: 30_000 }).toContain("sessionExpired");
  await expect.poll(seen2).toContain("sessionExpired");
  expect(await seenOther()).toEqual([]);
  // Retried, but with backoff: the first try at 8 s left, then 5 s later; not hammered.
  const attempts = standin.requests({ path: STAMP_LOGIN }).filter((r) => r.stampPublicKey === first.publicKey);
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  expect(attempts.length).toBeLessThanOrEqual(3);
  expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(4_000);

  expect(await value(tab1, "getSession")).toBeUndefined();
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([]);
});

test("with auto-refresh off, tabs get sessionExpiring before the session expires", async ({ vault, standin, dappServer, openDapp }) => {
  const worker = await vault.workerHandle();
  await worker.evaluate(() => chrome.storage.local.set({ settings: { autoRefresh: false } }));
  await vault.stopWorker();
  const page = await openDapp(vault, dappServer.origins[0]);
  const seen = await recordEventTypes(page);
  await login(page, standin, { expirationSeconds: 12 });
  await expect.poll(seen, { timeout: 30_000 }).toEqual(["sessionStored", "sessionExpiring", "sessionExpired"]);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(0);
});

test("the schedule holds after the worker is stopped", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  await login(page, standin, { expirationSeconds: 20 });
  await page.close();
  await vault.stopWorker();
  await expect.poll(() => standin.requests({ path: STAMP_LOGIN }).length, { timeout: 30_000 }).toBe(1);
});

test("the schedule holds after the browser is closed and relaunched on the same profile", async ({ standin, dappServer }) => {
  const first = await launchVault({ keepProfile: true });
  const page = await openVaultPage(first, dappServer.url(dappServer.origins[0]));
  const session = await login(page, standin, { expirationSeconds: 24 });
  await first.close();

  const second = await launchVault({ userDataDir: first.userDataDir, keepProfile: false });
  try {
    await expect.poll(() => standin.requests({ path: STAMP_LOGIN }).length, { timeout: 40_000 }).toBe(1);
    expect(standin.requests({ path: STAMP_LOGIN })[0]!.stampPublicKey).toBe(session.publicKey);
    const reopened = await openVaultPage(second, dappServer.url(dappServer.origins[0]));
    await expect.poll(async () => (await value<{ publicKey: string }>(reopened, "getSession")).publicKey).not.toBe(session.publicKey);
  } finally {
    await second.close();
  }
});

test("every worker start re-arms from the stored sessions: an alarm left for an old plan is corrected", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const short = await login(page, standin, { expirationSeconds: 16 });
  // What a worker stopped between storeSession's write and its re-arm leaves behind: the alarm of the old plan.
  const worker = await vault.workerHandle();
  await worker.evaluate(() => chrome.alarms.create("turnkey-vault/refresh", { when: Date.now() + 3_600_000 }));
  await vault.stopWorker();
  await value(page, "getActiveSessionKey"); // any event starts the worker again
  await expect
    .poll(() => standin.requests({ path: STAMP_LOGIN }).filter((r) => r.stampPublicKey === short.publicKey).length, { timeout: 30_000 })
    .toBe(1);
});
