/**
 * Automatic refresh in Firefox ESR, whose background is an event page that the browser stops
 * when idle: the alarm wakes a terminated background and refreshes a short session with no page
 * open, signed by the session's own key and for its original duration; and every start of the
 * background re-arms the alarm from the stored sessions, so an alarm left for an old plan (a
 * background stopped between a write and its re-arm) is corrected (as in the Chromium
 * auto-refresh.spec.ts). That storeSession resolves only after its re-arm is a unit test
 * (background/refresh.test.ts): the window is too short to hit from a browser.
 */
import { describe, expect, it } from "vitest";
import { useFirefoxVault } from "../support/firefox-fixture.ts";
import { until } from "../support/firefox.ts";
import { login, value } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const ff = useFirefoxVault();

describe("Firefox: automatic refresh", () => {
  // A 30 s session is refreshed 15 s after login: room for a slow browser to close the page and
  // stop the background first, on a loaded machine, before the alarm is due.
  it("the alarm wakes a terminated background and refreshes with no page open, for the original duration", async () => {
    const page = await ff.openDapp(0);
    const first = await login(page, ff.standin, { sessionKey: "alarm", expirationSeconds: 30 });
    // A stored session's duration is the seconds its token had left when stored (docs/api.md):
    // one less when the store came in the second after the stand-in minted it.
    const duration = (await value<{ expirationSeconds: string }>(page, "getSession", { sessionKey: "alarm" })).expirationSeconds;
    expect(["29", "30"]).toContain(duration);
    await page.close();
    await ff.vault.terminateBackground();

    const [request] = await until(async () => {
      const requests = ff.standin.requests({ path: STAMP_LOGIN });
      return requests.length > 0 && requests;
    }, "the alarm's stamp_login", 45_000);
    expect(request!.status).toBe(200);
    expect(request!.stampPublicKey).toBe(first.publicKey);
    expect((request!.body as { parameters: { expirationSeconds: string } }).parameters.expirationSeconds).toBe(duration);

    const reopened = await ff.openDapp(0);
    const session = await value<{ publicKey: string; expirationSeconds: string }>(reopened, "getSession", { sessionKey: "alarm" });
    expect(session.publicKey).not.toBe(first.publicKey);
    expect(session.expirationSeconds).toBe(duration);
    await value(reopened, "clearSession", { sessionKey: "alarm" });
  }, 120_000);

  it("every background start re-arms from the stored sessions: an alarm left for an old plan is corrected", async () => {
    const page = await ff.openDapp(1);
    const short = await login(page, ff.standin, { sessionKey: "short", expirationSeconds: 16 });
    // What a background stopped between storeSession's write and its re-arm leaves behind: the alarm of the old plan.
    const extensionPage = await ff.vault.openExtensionPage("popup/index.html", "typeof browser === 'object'");
    await extensionPage.evaluate(() => (globalThis as unknown as { browser: typeof chrome }).browser.alarms.create("turnkey-vault/refresh", { when: Date.now() + 3_600_000 }));
    await extensionPage.close();
    await ff.vault.terminateBackground();
    await value(page, "getActiveSessionKey"); // any event starts the background again

    const refreshed = await until(async () => {
      const requests = ff.standin.requests({ path: STAMP_LOGIN }).filter((r) => r.stampPublicKey === short.publicKey);
      return requests.length > 0 && requests;
    }, "the short session's stamp_login", 30_000);
    expect(refreshed[0]!.status).toBe(200);
  });
});
