/**
 * The popup, a page stamper and the keys, in Firefox ESR. The popup (opened as an extension
 * page) lists sessions of two origins and refreshes one; Turnkey's `WalletStamper` over an
 * EIP-191 wallet signs the vault's `stamp_login` for `stampWith: "wallet"`, as a page stamper
 * whose replies reach the content script as Xray-wrapped page objects; and no private key is
 * in `storage.local` in any encoding (Firefox lets content scripts read it: it must hold
 * ciphertext only). The wallet signs in Node through `exposeFunction` (the stamper object stays
 * in the page); passkeys need a virtual authenticator, which BiDi lacks, so they are Chromium-only.
 */
import { p256 } from "@noble/curves/nist.js";
import { WalletStamper } from "@turnkey/wallet-stamper";
import { describe, expect, it } from "vitest";
import { ethereumWallet } from "../standin/testing.ts";
import { useFirefoxVault } from "../support/firefox-fixture.ts";
import { until } from "../support/firefox.ts";
import { decryptStoredKeyPairs, secretEncodings } from "../support/key-pair-secrets.ts";
import { call, login, value } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const ff = useFirefoxVault();

describe("Firefox: popup, page stamper, keys", () => {
  it("the popup lists sessions of two origins and refreshes one with its own key", async () => {
    const [originA, originB] = ff.dappServer.origins;
    const pageA = await ff.openDapp(0);
    const pageB = await ff.openDapp(1);
    const a = await login(pageA, ff.standin, { sessionKey: "popup-a" });
    await login(pageB, ff.standin, { sessionKey: "popup-b" });

    const popup = await ff.vault.openExtensionPage("popup/index.html", "document.querySelectorAll('article.session').length >= 2");
    const cards = await popup.$$eval("section.origin", (sections) => sections.map((s) => [s.getAttribute("aria-label"), [...s.querySelectorAll("article.session")].map((a) => a.getAttribute("data-session-key"))]));
    expect(Object.fromEntries(cards)).toMatchObject({ [originA]: expect.arrayContaining(["popup-a"]), [originB]: expect.arrayContaining(["popup-b"]) });

    await popup.click(`section.origin[aria-label="${originA}"] article[data-session-key="popup-a"] button[data-action="refresh"]`);
    await until(() => popup.$eval("#notice", (n) => n.textContent === "Refreshed popup-a."), "the popup's notice");
    const [request] = ff.standin.requests({ path: STAMP_LOGIN });
    expect(request!.stampPublicKey).toBe(a.publicKey);
    expect((await value<{ publicKey: string }>(pageA, "getSession", { sessionKey: "popup-a" })).publicKey).not.toBe(a.publicKey);
    await popup.close();
  });

  it("stampWith: \"wallet\": the page's WalletStamper signs exactly the stamp_login the vault sends; a refusal is USER_CANCELED", async () => {
    const page = await ff.openDapp(0);
    const first = await login(page, ff.standin, { sessionKey: "wallet" });
    const { wallet, publicKey } = ethereumWallet();
    const stamper = new WalletStamper(wallet);
    const signed: string[] = [];
    let refuse = false;
    await page.exposeFunction("walletStamp", async (payload: string) => {
      if (refuse) return "refused";
      signed.push(payload);
      return stamper.stamp(payload);
    });
    await page.evaluate(() => {
      const w = window as unknown as { walletStamp(p: string): Promise<unknown>; turnkeySession: { registerStamper(t: string, s: unknown): Promise<void> } };
      // The user's refusal is an EIP-1193 error (code 4001) thrown in the page, as a wallet throws it.
      const stamp = async (payload: string) => {
        const result = await w.walletStamp(payload);
        if (result === "refused") throw Object.assign(new Error("User rejected the request."), { code: 4001 });
        return result;
      };
      return w.turnkeySession.registerStamper("wallet", { stamp });
    });
    ff.standin.registerCredential({ type: "wallet", userId: first.userId, publicKey });

    const result = await value<{ session: string }>(page, "refreshSession", { sessionKey: "wallet", stampWith: "wallet" });
    const [request] = ff.standin.requests({ path: STAMP_LOGIN });
    expect(request!.status).toBe(200);
    expect(request!.verifiedStamp).toEqual({ stamper: "wallet", publicKey, userId: first.userId });
    expect(signed).toEqual([request!.rawBody]);
    expect((await value<{ token: string }>(page, "getSession", { sessionKey: "wallet" })).token).toBe(result.session);

    refuse = true;
    const before = JSON.stringify(await ff.vault.storageLocal());
    const refused = await call(page, "refreshSession", { sessionKey: "wallet", stampWith: "wallet" });
    expect(refused.ok ? "resolved" : refused.error.code).toBe("USER_CANCELED");
    expect(JSON.stringify(await ff.vault.storageLocal())).toBe(before);
    expect(ff.standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
  });

  it("no private key is in storage.local, in any encoding", async () => {
    const page = await ff.openDapp(1);
    await login(page, ff.standin, { sessionKey: "keys" });
    await value(page, "refreshSession", { sessionKey: "keys" });
    await value(page, "createApiKeyPair");

    const reader = await ff.vault.openExtensionPage("popup/index.html", "typeof chrome === 'object'");
    const keys = await reader.evaluate(decryptStoredKeyPairs);
    const storage = JSON.stringify(await reader.evaluate(() => chrome.storage.local.get(null)));
    await reader.close();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const { publicKey, secretHex } of keys) {
      expect(Buffer.from(p256.getPublicKey(Buffer.from(secretHex, "hex"), true)).toString("hex")).toBe(publicKey); // the decryption is real
      for (const encoded of secretEncodings(secretHex)) expect(storage.includes(encoded), "storage.local holds a private key").toBe(false);
    }
  });
});
