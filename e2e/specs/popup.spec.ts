/**
 * The popup as a user sees it, opened as a page at the browser's popup size: sessions from two
 * origins, Refresh and Log out with what the stand-in received and storage holds afterwards,
 * a failed refresh with its reason and the toolbar badge, live updates, and settings that take
 * effect without a reload. Screenshots go to the test's output folder.
 */
import type { Page } from "@playwright/test";
import type { VaultBrowser } from "../support/browser.ts";
import { expect, test } from "../support/fixtures.ts";
import { login, value, vaultStorage } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";

test.beforeEach(({ standin }) => standin.reset());

async function openPopup(vault: VaultBrowser): Promise<Page> {
  const popup = await vault.context.newPage();
  await popup.setViewportSize({ width: 360, height: 600 });
  await popup.goto(vault.popupUrl);
  return popup;
}

const card = (popup: Page, origin: string, sessionKey: string) =>
  popup.getByRole("region", { name: origin }).locator(`article[data-session-key="${sessionKey}"]`);

test("lists sessions of two origins; Refresh and Log out act on the right one", async ({ vault, standin, dappServer, openDapp }, testInfo) => {
  const [originA, originB] = dappServer.origins;
  const pageA = await openDapp(vault, originA);
  const pageB = await openDapp(vault, originB);
  const a = await login(pageA, standin);
  await login(pageA, standin, { sessionKey: "trading" });
  const b = await login(pageB, standin);

  const popup = await openPopup(vault);
  await expect(popup.locator("article.session")).toHaveCount(3);
  const cardA = card(popup, originA, "@turnkey/session/v3");
  await expect(cardA).toHaveAttribute("data-state", "active");
  await expect(cardA.getByRole("button", { name: `Copy user ${a.userId}` })).toBeVisible();
  await expect(cardA.locator(".countdown")).toHaveText(/^1[45]:\d\d$/);
  await expect(card(popup, originA, "trading").locator(".chip.selected")).toHaveText("in use");
  await popup.screenshot({ path: testInfo.outputPath("popup-sessions.png") });

  await cardA.getByRole("button", { name: `Refresh @turnkey/session/v3 on ${originA}` }).click();
  await expect(popup.locator("#notice")).toHaveText("Refreshed @turnkey/session/v3.");
  const requests = standin.requests({ path: STAMP_LOGIN });
  expect(requests).toHaveLength(1);
  expect(requests[0]!.stampPublicKey).toBe(a.publicKey);
  expect((await value<Record<string, { publicKey: string }>>(pageA, "getAllSessions"))["@turnkey/session/v3"]!.publicKey).not.toBe(a.publicKey);

  await card(popup, originB, "@turnkey/session/v3").getByRole("button", { name: "Log out" }).click();
  await expect(popup.getByRole("region", { name: originB })).toHaveCount(0);
  const storage = await vaultStorage(vault);
  expect(storage[`origin:${originB}`]).toBeUndefined();
  expect(storage[`keypair:${b.publicKey}`]).toBeUndefined();
  expect(await value(pageB, "getSession")).toBeUndefined();
  expect(Object.keys((await value<Record<string, unknown>>(pageA, "getAllSessions"))!)).toHaveLength(2);
});

test("a failed refresh shows its reason and the badge; a page's changes show up live", async ({ vault, standin, dappServer, openDapp }, testInfo) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  await login(page, standin);
  const popup = await openPopup(vault);
  const session = card(popup, dappServer.origins[0], "@turnkey/session/v3");

  standin.inject({ path: STAMP_LOGIN, status: 500 });
  await session.getByRole("button", { name: /^Refresh / }).click();
  await expect(session).toHaveAttribute("data-state", "refresh-failed");
  await expect(session.locator(".reason")).toContainText("REFRESH_SESSION_ERROR");
  const worker = await vault.workerHandle();
  await expect.poll(() => worker.evaluate(() => chrome.action.getBadgeText({}))).toBe("!");
  await popup.screenshot({ path: testInfo.outputPath("popup-refresh-failed.png") });

  // The page refreshes: the popup, still open, shows the session active again and the badge clears.
  await value(page, "refreshSession");
  await expect(session).toHaveAttribute("data-state", "active");
  await expect.poll(() => worker.evaluate(() => chrome.action.getBadgeText({}))).toBe("");
  // The page logs in a second session, then logs out: the popup follows without reopening.
  await login(page, standin, { sessionKey: "second" });
  await expect(popup.locator("article.session")).toHaveCount(2);
  await value(page, "clearAllSessions");
  await expect(popup.locator(".empty")).toContainText("No sessions yet");
  await popup.screenshot({ path: testInfo.outputPath("popup-empty.png") });
});

test("settings are validated, saved and used at once", async ({ vault, standin, dappServer, openDapp }, testInfo) => {
  const popup = await openPopup(vault);
  await popup.getByRole("button", { name: "Settings" }).click();
  await popup.getByLabel("Default API base URL").fill("http://example.com");
  await popup.getByRole("button", { name: "Save" }).click();
  await expect(popup.locator(".form-message")).toContainText("VALIDATION_ERROR");

  await popup.getByLabel("Default API base URL").fill(standin.url);
  await popup.getByLabel("Default session length (seconds)").fill("1200");
  await popup.getByLabel("Refresh this many seconds before expiry").fill("30");
  await popup.getByRole("button", { name: "Save" }).click();
  await expect(popup.locator(".form-message")).toHaveText("Saved.");
  await popup.screenshot({ path: testInfo.outputPath("popup-settings.png") });
  expect((await vaultStorage(vault)).settings).toMatchObject({ apiBaseUrl: standin.url, defaultExpirationSeconds: "1200", refreshLeadSeconds: 30, autoRefresh: true });

  // A session stored without apiBaseUrl now refreshes at the stand-in, for 1200 s by default.
  const page = await openDapp(vault, dappServer.origins[0]);
  const publicKey = await value<string>(page, "createApiKeyPair");
  await value(page, "storeSession", { sessionToken: standin.mint({ publicKey }).session });
  await value(page, "refreshSession");
  const [request] = standin.requests({ path: STAMP_LOGIN });
  expect((request!.body as { parameters: { expirationSeconds: string } }).parameters.expirationSeconds).toBe("1200");
});

test("the popup works with the keyboard and every button has a name", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  await login(page, standin);
  const popup = await openPopup(vault);
  await expect(popup.locator("article.session")).toHaveCount(1);
  for (const button of await popup.getByRole("button").all()) {
    expect((await button.getAttribute("aria-label")) ?? (await button.textContent())?.trim()).toBeTruthy();
  }
  // Tab to the session's Refresh button and press Enter.
  const refresh = popup.getByRole("button", { name: /^Refresh @turnkey/ });
  for (let i = 0; i < 10 && !(await refresh.evaluate((el) => el === document.activeElement)); i++) await popup.keyboard.press("Tab");
  await popup.keyboard.press("Enter");
  await expect(popup.locator("#notice")).toHaveText("Refreshed @turnkey/session/v3.");
});
