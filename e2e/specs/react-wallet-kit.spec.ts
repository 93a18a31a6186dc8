/**
 * A real `@turnkey/react-wallet-kit` 2.4.3 app (`e2e/kit-app/`: `<TurnkeyProvider>`, the one line
 * `installSessionVault(TurnkeyClient)`, and `useSessionVaultSync()`) on the vault, in Chromium,
 * against the Turnkey stand-in:
 * - login and `useTurnkey().refreshSession()` go through the vault: one `stamp_login`, signed by
 *   the vault's key, the kit showing the new expiry, nothing of it in the page's storage;
 * - a refresh by the popup or by the vault's alarm while the app is open reaches the kit: it
 *   shows the new expiry, its refresh timer does not fire at the old time (no second
 *   `stamp_login`) and it does not log out at the old expiry;
 * - an expire timer that runs before the renewal's event reaches the page (held here, as after
 *   a long sleep) neither clears nor logs out the renewed session;
 * - Log out in the popup logs the kit out; sessions cleared in another tab leave the kit.
 * Sessions are seconds long, and the page's clock (Playwright's fake clock) is moved where the
 * kit's 60 s warning would otherwise take a minute.
 */
import type { Page } from "@playwright/test";
import type { VaultBrowser } from "../support/browser.ts";
import { expect, test } from "../support/fixtures.ts";
import { buildKitApp, kitCall, kitState, openKitApp, type OpenKitAppOptions } from "../support/kit-app.ts";
import { value, vaultStorage } from "../support/vault-calls.ts";
import type { DappServer } from "../support/dapp-server.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const DEFAULT_KEY = "@turnkey/session/v3";
/** The kit refreshes (or warns) this long before a session expires. */
const KIT_WARNING_MS = 60_000;

test.describe.configure({ timeout: 90_000 });
test.beforeAll(() => buildKitApp());
test.beforeEach(({ standin }) => standin.reset());

async function openApp(vault: VaultBrowser, dappServer: DappServer, options?: OpenKitAppOptions): Promise<Page> {
  const page = await openKitApp(vault.context, dappServer, dappServer.origins[0], options);
  expect(await page.evaluate(() => window.kitApp!.mode)).toBe("vault");
  return page;
}

async function openPopup(vault: VaultBrowser): Promise<Page> {
  const popup = await vault.context.newPage();
  await popup.goto(vault.popupUrl);
  return popup;
}

const popupButton = (popup: Page, action: "Refresh" | "Log out", origin: string, sessionKey = DEFAULT_KEY) =>
  popup.getByRole("button", { name: `${action} ${sessionKey} on ${origin}` });

/** Core's in-page storage: `@turnkey/*` localStorage entries and the key pairs of its IndexedDB (none expected). */
function pageStorage(page: Page) {
  return page.evaluate(async () => {
    const local = Object.keys(localStorage).filter((k) => k.startsWith("@turnkey/"));
    const databases = (await indexedDB.databases()).map((d) => d.name);
    return { local, databases };
  });
}

const vaultSession = (page: Page, sessionKey = DEFAULT_KEY) => value<{ publicKey: string; expiry: number } | undefined>(page, "getSession", { sessionKey });
const callbacks = (page: Page) => page.evaluate(() => window.kitApp!.callbacks);
const untilAuthState = (page: Page, state: "authenticated" | "unauthenticated") =>
  page.waitForFunction((state) => window.kitApp!.state().authState === state, state);
/** Waits until the page's clock is past `ms` (epoch ms, the page's time). */
const untilPageTime = (page: Page, ms: number) => page.waitForFunction((ms) => Date.now() > ms, ms, { timeout: 30_000 });

test("login and useTurnkey().refreshSession() go through the vault: one stamp_login signed by its key, the kit shows the new expiry", async ({ vault, standin, dappServer }) => {
  const page = await openApp(vault, dappServer);
  await kitCall(page, "login", { expirationSeconds: 600 });
  await untilAuthState(page, "authenticated");
  const first = (await kitState(page)).session!;
  expect(await vaultSession(page)).toMatchObject({ publicKey: first.publicKey, expiry: first.expiry });
  expect(Object.keys(await vaultStorage(vault))).toContain(`keypair:${first.publicKey}`);

  await kitCall(page, "refreshSession");
  const requests = standin.requests({ path: STAMP_LOGIN });
  expect(requests).toHaveLength(1);
  expect(requests[0]!.status).toBe(200);
  expect(requests[0]!.verifiedStamp).toMatchObject({ stamper: "api-key", publicKey: first.publicKey });
  const renewed = (await kitState(page)).session!;
  const newKey = (requests[0]!.body as { parameters: { publicKey: string } }).parameters.publicKey;
  expect(renewed.publicKey).toBe(newKey);
  expect(renewed.expiry).toBeGreaterThan(first.expiry); // 900 s (the default) after a 600 s login
  expect(await vaultSession(page)).toMatchObject({ publicKey: newKey, expiry: renewed.expiry });
  const stored = Object.keys(await vaultStorage(vault));
  expect(stored).toContain(`keypair:${newKey}`);
  expect(stored).not.toContain(`keypair:${first.publicKey}`);
  // Nothing of it in the page: no session in localStorage, no key pair database.
  expect(await pageStorage(page)).toEqual({ local: [], databases: [] });
  expect((await callbacks(page)).filter((c) => c.startsWith("onError"))).toEqual([]);
});

test("a popup refresh reaches the kit: new expiry; at the old times its timers neither refresh nor log out", async ({ vault, standin, dappServer }) => {
  const page = await openApp(vault, dappServer, { fakeClock: true });
  await kitCall(page, "login", { expirationSeconds: 120 });
  await untilAuthState(page, "authenticated");
  const first = (await kitState(page)).session!;

  const popup = await openPopup(vault);
  await popupButton(popup, "Refresh", dappServer.origins[0]).click();
  await expect(popup.locator("#notice")).toHaveText(`Refreshed ${DEFAULT_KEY}.`);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
  const refreshed = (await vaultSession(page))!;
  expect(refreshed.expiry).toBeGreaterThan(first.expiry + KIT_WARNING_MS / 1000); // the vault's 900 s
  await page.waitForFunction((expiry) => window.kitApp!.state().session?.expiry === expiry, refreshed.expiry);
  expect((await kitState(page)).allSessions[DEFAULT_KEY]).toEqual({ expiry: refreshed.expiry, publicKey: refreshed.publicKey });

  // The page's clock jumps past the old session's warning time, then past its expiry: the
  // kit's timers for it are gone, so it neither refreshes (the kit's default) nor logs out.
  for (const moment of [first.expiry * 1000 - KIT_WARNING_MS, first.expiry * 1000]) {
    await page.clock.fastForward(moment + 1_000 - (await page.evaluate(() => Date.now())));
    await page.evaluate(() => window.kitApp!.settle());
  }
  expect(await callbacks(page)).toEqual([]);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
  expect(await kitState(page)).toMatchObject({ authState: "authenticated", session: { expiry: refreshed.expiry } });
  expect(await vaultSession(page)).toMatchObject({ publicKey: refreshed.publicKey });
});

test("an expire timer that runs before the renewal's event reaches the kit (a long sleep) neither clears nor logs out: the kit shows the renewed session", async ({ vault, standin, dappServer }) => {
  const page = await openApp(vault, dappServer, { fakeClock: true, autoRefresh: false });
  await kitCall(page, "login", { expirationSeconds: 120 });
  await untilAuthState(page, "authenticated");
  const first = (await kitState(page)).session!;
  // The page holds the vault's sessionRefreshed events, as a tab waking from a sleep still has them queued.
  await page.evaluate(() => {
    const provider = (window as unknown as { turnkeySession: EventTarget }).turnkeySession;
    const dispatch = EventTarget.prototype.dispatchEvent;
    const held: Event[] = [];
    (window as unknown as { releaseHeld: () => void }).releaseHeld = () => {
      EventTarget.prototype.dispatchEvent = dispatch;
      for (const event of held.splice(0)) dispatch.call(provider, event);
    };
    EventTarget.prototype.dispatchEvent = function (this: EventTarget, event: Event) {
      if (this !== provider || event.type !== "sessionRefreshed") return dispatch.call(this, event);
      held.push(event);
      return true;
    };
  });
  const popup = await openPopup(vault);
  await popupButton(popup, "Refresh", dappServer.origins[0]).click();
  await expect(popup.locator("#notice")).toHaveText(`Refreshed ${DEFAULT_KEY}.`);
  const refreshed = (await vaultSession(page))!;
  expect(refreshed.expiry).toBeGreaterThan(first.expiry + KIT_WARNING_MS / 1000);
  expect((await kitState(page)).session?.expiry).toBe(first.expiry); // the kit has not heard of it

  // Past the old expiry: the kit's expire timer runs (it clears, then logs out the active session).
  await page.clock.fastForward(first.expiry * 1000 + 1_000 - (await page.evaluate(() => Date.now())));
  await page.waitForFunction((expiry) => window.kitApp!.state().session?.expiry === expiry, refreshed.expiry);
  await page.evaluate(() => (window as unknown as { releaseHeld: () => void }).releaseHeld());
  await page.evaluate(() => window.kitApp!.settle());
  expect(await vaultSession(page)).toMatchObject({ publicKey: refreshed.publicKey, expiry: refreshed.expiry });
  const state = await kitState(page);
  expect(state).toMatchObject({ authState: "authenticated", session: { expiry: refreshed.expiry } });
  expect(Object.keys(state.allSessions)).toEqual([DEFAULT_KEY]);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
});

test("an alarm refresh reaches the kit, which does not log out at the old expiry", async ({ vault, standin, dappServer }) => {
  // The kit's own refresh off: each stamp_login here is the alarm's, and a session 12 s long is
  // refreshed by it at half its length (the vault's lead is at most half a session).
  const page = await openApp(vault, dappServer, { autoRefresh: false });
  await kitCall(page, "login", { expirationSeconds: 12 });
  await untilAuthState(page, "authenticated");
  const first = (await kitState(page)).session!;

  await page.waitForFunction((expiry) => (window.kitApp!.state().session?.expiry ?? 0) > expiry, first.expiry, { timeout: 30_000 });
  const alarmRefresh = standin.requests({ path: STAMP_LOGIN })[0]!;
  expect(alarmRefresh.verifiedStamp).toMatchObject({ publicKey: first.publicKey });

  // The old expiry passes: the kit's timer for it was replaced, the session stays.
  await untilPageTime(page, first.expiry * 1000 + 1_500);
  const state = await kitState(page);
  expect(state.authState).toBe("authenticated");
  expect(state.session!.expiry).toBeGreaterThan(first.expiry);
  expect(Object.keys(state.allSessions)).toEqual([DEFAULT_KEY]);
  expect((await callbacks(page)).filter((c) => c.startsWith("onSessionExpired"))).toEqual([]);
  expect(await vaultSession(page)).toBeDefined();
  expect(standin.requests({ path: STAMP_LOGIN }).every((r) => r.status === 200)).toBe(true);
});

test("Log out in the popup logs the kit out", async ({ vault, dappServer }) => {
  const page = await openApp(vault, dappServer);
  await kitCall(page, "login");
  await untilAuthState(page, "authenticated");

  const popup = await openPopup(vault);
  await popupButton(popup, "Log out", dappServer.origins[0]).click();
  await untilAuthState(page, "unauthenticated");
  const state = await kitState(page);
  expect(state.session).toBeNull();
  expect(state.allSessions).toEqual({});
  expect(await vaultSession(page)).toBeUndefined();
});

test("a login in another tab of the app shows up in the kit, as the active session", async ({ vault, standin, dappServer }) => {
  const page = await openApp(vault, dappServer);
  await kitCall(page, "login");
  await untilAuthState(page, "authenticated");
  const other = await openApp(vault, dappServer);
  expect((await kitState(other)).allSessions).toHaveProperty([DEFAULT_KEY]);

  await kitCall(other, "login", { sessionKey: "trading" });
  const trading = (await vaultSession(other, "trading"))!;
  await page.waitForFunction(() => Object.keys(window.kitApp!.state().allSessions).sort().join() === "@turnkey/session/v3,trading");
  await page.waitForFunction((publicKey) => window.kitApp!.state().session?.publicKey === publicKey, trading.publicKey);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(0);
});

test("sessions cleared in another tab leave the kit: another session quietly, the one it shows with a logout", async ({ vault, dappServer, openDapp }) => {
  const page = await openApp(vault, dappServer);
  await kitCall(page, "login");
  await kitCall(page, "login", { sessionKey: "trading" }); // stored last: the active one
  await page.waitForFunction(() => Object.keys(window.kitApp!.state().allSessions).length === 2);
  const shown = (await kitState(page)).session!;
  const other = await openDapp(vault, dappServer.origins[0]);

  await value(other, "clearSession", { sessionKey: DEFAULT_KEY });
  await page.waitForFunction(() => Object.keys(window.kitApp!.state().allSessions).join() === "trading");
  expect((await kitState(page)).session).toEqual(shown);

  await value(other, "clearSession", { sessionKey: "trading" });
  await untilAuthState(page, "unauthenticated");
  expect(await kitState(page)).toMatchObject({ session: null, allSessions: {} });
});
