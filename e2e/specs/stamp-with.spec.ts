/**
 * `stampWith: "passkey" | "wallet"` end to end (docs/api.md#stampwith-passkeys-and-wallets): the page registers Turnkey's
 * own `WebauthnStamper` (on a credential that Chromium's virtual authenticator made in the page)
 * or `WalletStamper` (over a test EIP-1193 wallet), the vault builds the `stamp_login` and has
 * exactly that body stamped by the calling frame, and the stand-in verifies the WebAuthn or
 * EIP-191 stamp. A refusal is `USER_CANCELED`, no stamper `INVALID_CONFIGURATION`; a closed tab
 * or a page that never answers fails cleanly; every failure leaves storage as it was. Also:
 * `TurnkeyClient` from `@turnkey/http` with `window.turnkeySession` as its stamper.
 *
 * Turnkey's packages are bundled for the page from e2e/demo/dapp/stamp-with/kit.ts with esbuild
 * and served at /stamp-with.bundle.js to e2e/demo/dapp/stamp-with.html.
 */
import type { Frame, Page } from "@playwright/test";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import type { StampWithKit } from "../demo/dapp/stamp-with/kit.ts";
import type { TestWallet } from "../demo/dapp/stamp-with/test-wallet.ts";
import type { VaultBrowser } from "../support/browser.ts";
import { expect, test, type OpenDapp } from "../support/fixtures.ts";
import { call, keyPairKeys, login, value, vaultStorage } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const GET_ACTIVITY = "/public/v1/query/get_activity";
const WHOAMI = "/public/v1/query/whoami";
const KIT_ENTRY = fileURLToPath(new URL("../demo/dapp/stamp-with/kit.ts", import.meta.url));

/** What the page's window has for these tests. */
interface KitWindow {
  stampWithKit: StampWithKit;
  turnkeySession: Record<string, (...args: unknown[]) => Promise<unknown>>;
  testWallet: TestWallet;
  stampAsked: string[];
}

let kitBundle: string;
test.beforeAll(async () => {
  const result = await build({ entryPoints: [KIT_ENTRY], bundle: true, format: "iife", platform: "browser", target: "chrome111", write: false, logLevel: "warning" });
  kitBundle = result.outputFiles[0]!.text;
});

test.beforeEach(async ({ standin, vault }) => {
  standin.reset();
  await vault.context.route("**/stamp-with.bundle.js", (route) => route.fulfill({ body: kitBundle, contentType: "text/javascript" }));
});

async function openKitPage(vault: VaultBrowser, openDapp: OpenDapp, origin: string): Promise<Page> {
  const page = await openDapp(vault, origin, "/stamp-with.html");
  await page.waitForFunction(() => !!(window as unknown as Partial<KitWindow>).stampWithKit);
  return page;
}

/** Puts a test wallet in the page (one key for `secretKeyHex`) and registers Turnkey's WalletStamper over it. */
async function registerWalletStamper(page: Page, secretKeyHex?: string): Promise<TestWallet> {
  return page.evaluate(async (secretKeyHex) => {
    const { stampWithKit: kit, turnkeySession } = window as unknown as KitWindow;
    const wallet = ((window as unknown as KitWindow).testWallet = kit.installTestWallet(secretKeyHex));
    await turnkeySession.registerStamper!("wallet", new kit.WalletStamper(new kit.EthereumWallet()));
    return { ...wallet };
  }, secretKeyHex);
}

/** Registers a stamper that records the payloads it is asked for and never answers (or refuses, as a dismissed prompt). */
async function registerSilentStamper(target: Page | Frame, type: "passkey" | "wallet", answer: "never" | "refuse" = "never"): Promise<void> {
  await target.evaluate(
    async ([type, answer]) => {
      const w = window as unknown as KitWindow;
      w.stampAsked = [];
      const stamp = (payload: string) => {
        w.stampAsked.push(payload);
        return answer === "never" ? new Promise(() => {}) : Promise.reject(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError"));
      };
      await w.turnkeySession.registerStamper!(type, { stamp });
    },
    [type, answer] as const,
  );
}

const stampAsked = (target: Page | Frame) => target.evaluate(() => (window as unknown as Partial<KitWindow>).stampAsked ?? []);
const codeOf = (outcome: Awaited<ReturnType<typeof call>>) => (outcome.ok ? "resolved" : outcome.error.code);

test("passkey: Turnkey's WebauthnStamper stamps the vault's stamp_login; a failed user verification is USER_CANCELED", async ({ vault, standin, dappServer, openDapp }) => {
  // WebAuthn wants a domain for its RP ID, not an IP address: the localhost origin.
  const origin = dappServer.origins[1];
  const page = await openKitPage(vault, openDapp, origin);
  const cdp = await vault.context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const first = await login(page, standin);

  // A real credential, made in the page by the virtual authenticator; the stand-in learns its public key.
  const credential = await page.evaluate(async () => {
    const created = (await navigator.credentials.create({
      publicKey: {
        rp: { id: "localhost", name: "stampWith test" },
        user: { id: crypto.getRandomValues(new Uint8Array(16)), name: "tester", displayName: "Tester" },
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        pubKeyCredParams: [{ type: "public-key", alg: -7 }],
        authenticatorSelection: { residentKey: "required", userVerification: "required" },
      },
    })) as PublicKeyCredential;
    const spki = new Uint8Array((created.response as AuthenticatorAttestationResponse).getPublicKey()!);
    return { credentialId: created.id, publicKey: Array.from(spki, (b) => b.toString(16).padStart(2, "0")).join("") };
  });
  standin.registerCredential({ type: "passkey", userId: first.userId, ...credential, origin, requireUserVerification: true });
  await page.evaluate(() => {
    const { stampWithKit: kit, turnkeySession } = (window as unknown as KitWindow);
    return turnkeySession.registerStamper!("passkey", new kit.WebauthnStamper({ rpId: "localhost", userVerification: "required" }));
  });

  const result = await value<{ session: string; activity: { status: string } }>(page, "refreshSession", { stampWith: "passkey", expirationSeconds: "1200" });
  expect(result.activity.status).toBe("ACTIVITY_STATUS_COMPLETED");
  const [request] = standin.requests({ path: STAMP_LOGIN });
  expect(request!.status).toBe(200);
  expect(request!.headers["x-stamp"]).toBeUndefined();
  expect(request!.verifiedStamp).toMatchObject({ stamper: "passkey", credentialId: credential.credentialId, userId: first.userId });
  const body = request!.body as { organizationId: string; parameters: { publicKey: string; expirationSeconds: string } };
  expect(body.organizationId).toBe(first.organizationId);
  expect(body.parameters.expirationSeconds).toBe("1200");
  const session = await value<{ token: string; publicKey: string }>(page, "getSession");
  expect(session).toMatchObject({ token: result.session, publicKey: body.parameters.publicKey });
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${session.publicKey}`]);

  // A pending activity is polled with the session's own key: the user is asked once.
  standin.inject({ path: STAMP_LOGIN, pendingPolls: 1 });
  await value(page, "refreshSession", { stampWith: "passkey" });
  expect(standin.requests({ path: STAMP_LOGIN })[1]!.verifiedStamp?.stamper).toBe("passkey");
  const polls = standin.requests({ path: GET_ACTIVITY });
  expect(polls.length).toBeGreaterThan(0);
  expect(polls.map((r) => r.verifiedStamp)).toEqual(polls.map(() => expect.objectContaining({ stamper: "api-key", publicKey: session.publicKey })));

  // The authenticator cannot verify the user: WebAuthn's NotAllowedError, USER_CANCELED, nothing changes.
  await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
  const before = await vaultStorage(vault);
  const refused = await call(page, "refreshSession", { stampWith: "passkey" });
  expect(refused.ok ? "resolved" : refused.error).toMatchObject({ name: "TurnkeyError", code: "USER_CANCELED" });
  expect(await vaultStorage(vault)).toEqual(before);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(2);
});

test("wallet: Turnkey's WalletStamper over an EIP-1193 wallet stamps the vault's stamp_login; a 4001 refusal is USER_CANCELED", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openKitPage(vault, openDapp, dappServer.origins[0]);
  const first = await login(page, standin);
  const wallet = await registerWalletStamper(page);
  standin.registerCredential({ type: "wallet", userId: first.userId, publicKey: wallet.publicKey });

  const result = await value<{ session: string }>(page, "refreshSession", { stampWith: "wallet" });
  const [request] = standin.requests({ path: STAMP_LOGIN });
  expect(request!.status).toBe(200);
  expect(request!.verifiedStamp).toEqual({ stamper: "wallet", publicKey: wallet.publicKey, userId: first.userId });
  // The wallet was shown exactly the body Turnkey received, once.
  expect(await page.evaluate(() => (window as unknown as KitWindow).testWallet.signed)).toEqual([request!.rawBody]);
  expect((request!.body as { organizationId: string }).organizationId).toBe(first.organizationId);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(result.session);

  // The user rejects in the wallet: EIP-1193 4001, wrapped by WalletStamper, is USER_CANCELED.
  await page.evaluate(() => void ((window as unknown as KitWindow).testWallet.reject = true));
  const before = await vaultStorage(vault);
  const refused = await call(page, "refreshSession", { stampWith: "wallet" });
  expect(refused.ok ? "resolved" : refused.error).toMatchObject({ name: "TurnkeyError", code: "USER_CANCELED" });
  expect(await vaultStorage(vault)).toEqual(before);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
});

test("the vault is a stamper for @turnkey/http's TurnkeyClient in the page", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openKitPage(vault, openDapp, dappServer.origins[0]);
  const first = await login(page, standin);
  const whoami = await page.evaluate(
    ([baseUrl, organizationId]) => {
      const { stampWithKit: kit, turnkeySession } = (window as unknown as KitWindow);
      return new kit.TurnkeyClient({ baseUrl }, turnkeySession as never).getWhoami({ organizationId });
    },
    [standin.url, first.organizationId] as const,
  );
  expect(whoami).toMatchObject({ organizationId: first.organizationId, userId: first.userId });
  expect(standin.requests({ path: WHOAMI }).map((r) => [r.status, r.verifiedStamp?.stamper, r.verifiedStamp?.publicKey])).toEqual([[200, "api-key", first.publicKey]]);
});

test("no stamper registered is INVALID_CONFIGURATION; registering checks its arguments; nothing stored changes", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openKitPage(vault, openDapp, dappServer.origins[0]);
  await login(page, standin);
  const before = await vaultStorage(vault);
  for (const stampWith of ["passkey", "wallet"]) expect(codeOf(await call(page, "refreshSession", { stampWith }))).toBe("INVALID_CONFIGURATION");

  await registerWalletStamper(page);
  await page.evaluate(() => (window as unknown as KitWindow).turnkeySession.unregisterStamper!("wallet"));
  const afterUnregister = await call(page, "refreshSession", { stampWith: "wallet" });
  expect(afterUnregister.ok ? "resolved" : afterUnregister.error).toMatchObject({ code: "INVALID_CONFIGURATION", message: expect.stringContaining('registerStamper("wallet"') });

  const bad = await page.evaluate(async () => {
    const vault = (window as unknown as KitWindow).turnkeySession;
    const attempts: unknown[][] = [["api-key", { stamp: async () => ({}) }], ["passkey", {}], ["passkey", null], ["wallet"], []];
    const codes = [];
    for (const args of attempts) codes.push(await vault.registerStamper!(...args).then(() => "resolved", (e: { code?: string }) => e.code));
    codes.push(await vault.unregisterStamper!("api-key").then(() => "resolved", (e: { code?: string }) => e.code));
    return codes;
  });
  expect(bad).toEqual(Array(6).fill("VALIDATION_ERROR"));
  expect(await vaultStorage(vault)).toEqual(before);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(0);
});

test("only the calling frame's own stamper is asked: not another tab's, not another frame's", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const tab1 = await openKitPage(vault, openDapp, originA);
  const tab2 = await openKitPage(vault, openDapp, originA);
  await login(tab1, standin);
  await registerSilentStamper(tab1, "passkey", "refuse");
  // A cross-origin iframe in tab 2 holds a stamper of its own; so does nothing else in tab 2.
  await tab2.evaluate((src) => {
    const frame = document.createElement("iframe");
    frame.src = src;
    document.body.append(frame);
    return new Promise((resolve) => frame.addEventListener("load", resolve));
  }, dappServer.url(originB, "/stamp-with.html"));
  const frame = tab2.frames().find((f) => f.url().startsWith(originB))!;
  await frame.waitForFunction(() => !!(window as unknown as Partial<KitWindow>).stampWithKit);
  await registerSilentStamper(frame, "passkey");

  // Tab 1's own call asks tab 1's stamper (which refuses, as a dismissed prompt would).
  expect(codeOf(await call(tab1, "refreshSession", { stampWith: "passkey" }))).toBe("USER_CANCELED");
  expect(await stampAsked(tab1)).toHaveLength(1);
  // Tab 2 (same origin, same session) has no passkey stamper of its own: tab 1's and the frame's are not asked.
  expect(codeOf(await call(tab2, "refreshSession", { stampWith: "passkey" }))).toBe("INVALID_CONFIGURATION");
  expect(await stampAsked(tab1)).toHaveLength(1);
  expect(await stampAsked(frame)).toEqual([]);
  expect(keyPairKeys(await vaultStorage(vault))).toHaveLength(1);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(0);
});

test("a tab closed or navigated away while its stamper is asked: the refresh fails cleanly and its new key pair is removed", async ({ vault, standin, dappServer, openDapp }) => {
  const watcher = await openKitPage(vault, openDapp, dappServer.origins[0]);
  const first = await login(watcher, standin);
  for (const leave of ["close", "navigate"] as const) {
    const page = await openKitPage(vault, openDapp, dappServer.origins[0]);
    await registerSilentStamper(page, "passkey");
    const pending = call(page, "refreshSession", { stampWith: "passkey" }).catch(() => "page gone");
    await expect.poll(() => stampAsked(page)).toHaveLength(1);
    const [payload] = await stampAsked(page);
    expect(JSON.parse(payload!)).toMatchObject({ organizationId: first.organizationId, type: "ACTIVITY_TYPE_STAMP_LOGIN" });
    expect(keyPairKeys(await vaultStorage(vault))).toHaveLength(1); // the new key pair stays in memory until the refresh succeeds
    if (leave === "close") await page.close();
    else await page.goto(dappServer.url(dappServer.origins[0], "/frame.html"));
    await pending;

    await expect.poll(async () => keyPairKeys(await vaultStorage(vault)), leave).toEqual([`keypair:${first.publicKey}`]);
    expect((await value<{ token: string }>(watcher, "getSession")).token).toBe(first.session);
  }
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(0);
  // The session refreshes as usual afterwards.
  expect(await value(watcher, "refreshSession")).toMatchObject({ session: expect.any(String) });
});

test("a page that never answers a stamp request: the refresh fails with TIMEOUT and nothing stored changes", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openKitPage(vault, openDapp, dappServer.origins[0]);
  await login(page, standin);
  await registerSilentStamper(page, "wallet");
  // The vault gives a page 6 minutes to stamp (a passkey prompt may take 5); the worker's long timers run in 1 s here.
  const worker = await vault.workerHandle();
  await worker.evaluate(() => {
    const original = globalThis.setTimeout;
    globalThis.setTimeout = ((handler: () => void, ms?: number) => original(handler, (ms ?? 0) >= 60_000 ? 1_000 : ms)) as typeof setTimeout;
  });
  const before = await vaultStorage(vault);

  const outcome = await call(page, "refreshSession", { stampWith: "wallet" });
  expect(outcome.ok ? "resolved" : outcome.error).toMatchObject({ code: "TIMEOUT", message: expect.stringContaining("did not answer within 360 s") });
  expect(await stampAsked(page)).toHaveLength(1);
  expect(await vaultStorage(vault)).toEqual(before);
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(0);
});

test("concurrent wallet refreshes: one tab's identical calls share a stamp; another tab's call is stamped by that tab", async ({ vault, standin, dappServer, openDapp }) => {
  const tab1 = await openKitPage(vault, openDapp, dappServer.origins[0]);
  const tab2 = await openKitPage(vault, openDapp, dappServer.origins[0]);
  const first = await login(tab1, standin);
  const secretKey = "11".repeat(32);
  const wallet = await registerWalletStamper(tab1, secretKey);
  await registerWalletStamper(tab2, secretKey);
  standin.registerCredential({ type: "wallet", userId: first.userId, publicKey: wallet.publicKey });
  standin.inject({ path: STAMP_LOGIN, delayMs: 300 }); // keep the first refresh in flight while the others arrive

  const both = tab1.evaluate(() => {
    const vault = (window as unknown as KitWindow).turnkeySession;
    return Promise.all([vault.refreshSession!({ stampWith: "wallet" }), vault.refreshSession!({ stampWith: "wallet" })]) as Promise<{ session: string }[]>;
  });
  await expect.poll(() => standin.requests({ path: STAMP_LOGIN }).length).toBe(1);
  const fromTab2 = value<{ session: string }>(tab2, "refreshSession", { stampWith: "wallet" });
  const [[a, b], c] = await Promise.all([both, fromTab2]);

  expect(a!.session).toBe(b!.session);
  expect(c.session).not.toBe(a!.session);
  const signed = async (tab: Page) => (await tab.evaluate(() => (window as unknown as KitWindow).testWallet.signed)).length;
  expect([await signed(tab1), await signed(tab2)]).toEqual([1, 1]);
  expect(standin.requests({ path: STAMP_LOGIN }).map((r) => [r.status, r.verifiedStamp?.stamper])).toEqual([[200, "wallet"], [200, "wallet"]]);
  expect((await value<{ token: string }>(tab1, "getSession")).token).toBe(c.session);
});

test("the popup refreshes with the session's API key, whatever stampers its tabs hold", async ({ vault, standin, dappServer, openDapp }) => {
  const origin = dappServer.origins[0];
  const page = await openKitPage(vault, openDapp, origin);
  const first = await login(page, standin);
  await registerSilentStamper(page, "passkey");
  await registerSilentStamper(page, "wallet");

  const popup = await vault.context.newPage();
  await popup.goto(vault.popupUrl);
  await popup.getByRole("button", { name: `Refresh @turnkey/session/v3 on ${origin}` }).click();
  await expect(popup.locator("#notice")).toHaveText("Refreshed @turnkey/session/v3.");
  expect(standin.requests({ path: STAMP_LOGIN }).map((r) => [r.status, r.verifiedStamp?.stamper, r.verifiedStamp?.publicKey])).toEqual([[200, "api-key", first.publicKey]]);
  expect(await stampAsked(page)).toEqual([]);
});
