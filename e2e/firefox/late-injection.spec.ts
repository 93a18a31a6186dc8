/**
 * A tab that was already open when the vault was installed: Firefox injects the content scripts
 * into it then, after the page's own scripts ran. The page script announces itself at once in
 * such a document, so a page that listened for `turnkeySession:announce` (and asked with
 * `turnkeySession:request` before the vault was there) finds it without asking again, and its
 * calls work. (Chromium injects only into documents loaded after the install.)
 */
import { describe, expect, it } from "vitest";
import { useFirefoxVault } from "../support/firefox-fixture.ts";
import { until } from "../support/firefox.ts";

const ff = useFirefoxVault();

describe("Firefox: a tab open before the vault was installed", () => {
  it("hears the announce at injection and can call the vault", async () => {
    const { browser, addonId, extensionDir } = ff.vault;
    await browser.uninstallExtension(addonId);
    const page = await browser.newPage();
    await page.goto(ff.dappServer.url(ff.dappServer.origins[0], "/first-script.html"));
    expect(await page.evaluate(() => (window as unknown as { vaultAtFirstScript: string }).vaultAtFirstScript)).toBe("undefined");
    // The page asked before the vault was there: nobody answered.
    await page.evaluate(() => window.dispatchEvent(new Event("turnkeySession:request")));
    expect(await page.evaluate(() => (window as unknown as { announced: unknown[] }).announced.length)).toBe(0);

    await browser.installExtension(extensionDir);
    const announced = await until(
      () =>
        page.evaluate(() => {
          const { announced } = window as unknown as { announced: { info: { name: string }; provider: unknown }[] };
          const provider = (window as unknown as { turnkeySession?: unknown }).turnkeySession;
          return announced.length > 0 && { count: announced.length, name: announced[0]!.info.name, isTheProvider: announced[0]!.provider === provider };
        }),
      "the announce in the tab that was open at install",
    );
    expect(announced).toEqual({ count: 1, name: "Turnkey Session Vault", isTheProvider: true });
    const key = await page.evaluate(() => (window as unknown as { turnkeySession: { createApiKeyPair(): Promise<string> } }).turnkeySession.createApiKeyPair());
    expect(key).toMatch(/^0[23][0-9a-f]{64}$/);
  });
});
