/**
 * The react-wallet-kit test app **without the extension**, in a plain Chromium: the same app and
 * the same `installSessionVault(TurnkeyClient)` line, which finds no vault and changes nothing,
 * so `<TurnkeyProvider>` logs in, refreshes and logs out on `@turnkey/core`'s in-page defaults
 * (the session in the page's `localStorage`, the key pair in its IndexedDB `TurnkeyStamperDB`),
 * against the Turnkey stand-in. `useSessionVaultSync()` is mounted and does nothing.
 */
import { chromium, type Browser, type Page } from "@playwright/test";
import { findChromium } from "../support/browser.ts";
import { expect, test } from "../support/fixtures.ts";
import { buildKitApp, kitCall, kitState, openKitApp } from "../support/kit-app.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";

let browser: Browser;
test.beforeAll(async () => {
  await buildKitApp();
  browser = await chromium.launch({ executablePath: findChromium(), headless: true, chromiumSandbox: false, args: ["--disable-gpu", "--disable-quic", "--no-first-run"] });
});
test.afterAll(() => browser?.close());
test.beforeEach(({ standin }) => standin.reset());

/** What core keeps in the page: its localStorage entries and the key pairs in its IndexedDB. */
function inPageStorage(page: Page) {
  return page.evaluate(async () => {
    const local = Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith("@turnkey/")).map((k) => [k, localStorage.getItem(k)!]));
    const keyPairs = await new Promise<string[]>((resolve, reject) => {
      const open = indexedDB.open("TurnkeyStamperDB");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("KeyStore")) return resolve([]);
        const keys = db.transaction("KeyStore").objectStore("KeyStore").getAllKeys();
        keys.onsuccess = () => resolve(keys.result.map(String));
        keys.onerror = () => reject(keys.error);
      };
    });
    return { local, keyPairs };
  });
}

test("without the extension the kit logs in, refreshes and logs out on core's in-page defaults", async ({ standin, dappServer }) => {
  const context = await browser.newContext();
  try {
    const page = await openKitApp(context, dappServer, dappServer.origins[0]);
    expect(await page.evaluate(() => "turnkeySession" in window)).toBe(false);
    expect(await page.evaluate(() => window.kitApp!.mode)).toBe("in-page");

    await kitCall(page, "login", { expirationSeconds: 600 });
    await page.waitForFunction(() => window.kitApp!.state().authState === "authenticated");
    const first = (await kitState(page)).session!;
    let stored = await inPageStorage(page);
    expect(stored.keyPairs).toEqual([first.publicKey]);
    expect(JSON.parse(stored.local["@turnkey/session/v3"]!)).toMatchObject({ publicKey: first.publicKey, expiry: first.expiry });

    // useTurnkey().refreshSession(): core signs stamp_login in the page, with the session's key.
    await kitCall(page, "refreshSession");
    const [request, ...more] = standin.requests({ path: STAMP_LOGIN });
    expect(more).toEqual([]);
    expect(request!.status).toBe(200);
    expect(request!.verifiedStamp).toMatchObject({ stamper: "api-key", publicKey: first.publicKey });
    const renewed = (await kitState(page)).session!;
    expect(renewed.publicKey).toBe((request!.body as { parameters: { publicKey: string } }).parameters.publicKey);
    expect(renewed.expiry).toBeGreaterThan(first.expiry); // 900 s (core's default) after a 600 s login
    stored = await inPageStorage(page);
    expect(stored.keyPairs).toEqual([renewed.publicKey]); // core cleared the old key pair
    expect(JSON.parse(stored.local["@turnkey/session/v3"]!)).toMatchObject({ publicKey: renewed.publicKey, expiry: renewed.expiry });

    await kitCall(page, "logout");
    await page.waitForFunction(() => window.kitApp!.state().authState === "unauthenticated");
    expect((await kitState(page)).session).toBeNull();
    stored = await inPageStorage(page);
    expect(stored.local["@turnkey/session/v3"]).toBeUndefined();
    expect(stored.keyPairs).toEqual([]);
    expect(await page.evaluate(() => window.kitApp!.callbacks.filter((c) => c.startsWith("onError")))).toEqual([]);
  } finally {
    await context.close();
  }
});
