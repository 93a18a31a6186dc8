/**
 * The drop-in for `@turnkey/core` apps, in Chromium: a page bundling the real, unmodified
 * `@turnkey/core` 2.8.1 `TurnkeyClient` calls `installSessionVault(TurnkeyClient)` and then uses
 * core exactly as a dApp does, against the local Turnkey stand-in. Each core flow has its own test;
 * after each, the page's `localStorage` holds no session JWT and its IndexedDB no Turnkey key pair
 * (core's `TurnkeyStamperDB` absent or empty), the vault holds the session, and the stand-in
 * verified the stamp of every request it answered. Also: what core left in the page is removed
 * on install, and without the extension the same page runs on core's in-page defaults.
 *
 * core/app.ts is bundled with esbuild once and served at /core.bundle.js to e2e/demo/dapp/core.html.
 */
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { build } from "esbuild";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CoreApp } from "../demo/dapp/core/app.ts";
import type { Standin } from "../standin/server.ts";
import { findChromium } from "../support/browser.ts";
import { expect, test, type OpenDapp } from "../support/fixtures.ts";
import type { VaultBrowser } from "../support/browser.ts";
import { keyPairKeys, value, vaultStorage } from "../support/vault-calls.ts";

const APP_ENTRY = fileURLToPath(new URL("../demo/dapp/core/app.ts", import.meta.url));
const STAMP_LOGIN = "/public/v1/submit/stamp_login";

let appBundle: string;
test.beforeAll(async () => {
  const result = await build({ entryPoints: [APP_ENTRY], bundle: true, format: "iife", platform: "browser", target: "chrome111", minify: true, write: false, logLevel: "warning" });
  appBundle = result.outputFiles[0]!.text;
});

test.beforeEach(({ standin }) => standin.reset());

const serveBundle = (context: BrowserContext) => context.route("**/core.bundle.js", (route) => route.fulfill({ body: appBundle, contentType: "text/javascript" }));

/** Runs `fn` in the page with its `window.coreApp`; `fn` is sent as source, so it may use only its arguments. */
function inPage<T, A = undefined>(page: Page, fn: (app: CoreApp, arg: A) => T | Promise<T>, arg?: A): Promise<T> {
  return page.evaluate(
    async ([source, arg]) => {
      const run = (0, eval)(`(${source})`) as (app: unknown, arg: unknown) => unknown;
      return (await run((window as unknown as { coreApp: unknown }).coreApp, arg)) as T;
    },
    [fn.toString(), arg] as const,
  );
}

/** The code of the error `fn` rejects with in the page, or "resolved". */
function errorCodeInPage<A>(page: Page, fn: (app: CoreApp, arg: A) => Promise<unknown>, arg?: A): Promise<string> {
  return inPage(page, async (app, [source, arg]) => {
    try {
      await ((0, eval)(`(${source})`) as (app: unknown, arg: unknown) => Promise<unknown>)(app, arg);
      return "resolved";
    } catch (error) {
      const e = error as { name?: string; code?: string };
      return `${e.name}:${e.code}`;
    }
  }, [fn.toString(), arg] as const);
}

async function openCorePage(vault: VaultBrowser, openDapp: OpenDapp, origin: string): Promise<Page> {
  await serveBundle(vault.context);
  const page = await openDapp(vault, origin, "/core.html");
  await page.waitForFunction(() => !!(window as { coreApp?: unknown }).coreApp);
  return page;
}

/** A dApp's parent organization and an end user's sub-organization under it, with an embedded wallet. */
function seedUser(standin: Standin, parentOrganizationId?: string) {
  const parent = parentOrganizationId ?? standin.createOrganization({ name: "dApp" }).organizationId;
  const user = standin.createSubOrganization({ parentOrganizationId: parent, userName: "alice" });
  const wallet = standin.createWallet({ organizationId: user.organizationId, walletName: "Main", accounts: 2 });
  return { parentOrganizationId: parent, ...user, wallet };
}

/** `new TurnkeyClient({ apiBaseUrl: <stand-in>, organizationId, … }).init()` after `installSessionVault`. */
async function startCore(page: Page, standin: Standin, organizationId: string, extra: Record<string, unknown> = {}) {
  const started = await inPage(page, (app, config) => app.start(config as never), { apiBaseUrl: standin.url, organizationId, ...extra });
  expect(started).toMatchObject({ installed: true, usesVault: true });
}

/** A login done by the dApp's backend (e.g. OAuth): core makes the key pair, the backend mints the session, core stores it. */
async function backendLogin(page: Page, standin: Standin, user: { organizationId: string; userId: string }, sessionKey?: string) {
  const publicKey = await inPage(page, (app) => app.client.createApiKeyPair());
  const { session } = standin.mint({ publicKey, organizationId: user.organizationId, userId: user.userId });
  await inPage(page, (app, arg) => app.client.storeSession(arg), { sessionToken: session, ...(sessionKey ? { sessionKey } : {}) });
  return { publicKey, session };
}

/** What must hold after every flow: nothing of Turnkey's in the page, the sessions in the vault, every stamp verified. */
async function expectInVaultOnly(page: Page, vault: VaultBrowser, standin: Standin, sessions: Record<string, string>) {
  const state = await inPage(page, (app) => app.pageState());
  expect(state.jwtInLocalStorage).toBe(false);
  expect(Object.keys(state.localStorage).filter((k) => k.startsWith("@turnkey/"))).toEqual([]);
  expect([0, "absent"]).toContain(state.stamperDb);
  const held = await value<Record<string, { token: string }> | undefined>(page, "getAllSessions");
  expect(Object.fromEntries(Object.entries(held ?? {}).map(([k, s]) => [k, s.token]))).toEqual(sessions);
  const answered = standin.requests().filter((r) => r.path.startsWith("/public/v1/"));
  for (const request of answered) {
    expect.soft(request.status, `${request.path} answered`).toBe(200);
    expect.soft(request.verifiedStamp, `${request.path} stamp verified`).toBeDefined();
  }
}

test("storeSession of a backend-made session; fetchUser and fetchWallets are stamped by the vault's key", async ({ vault, standin, dappServer, openDapp }) => {
  const user = seedUser(standin);
  const page = await openCorePage(vault, openDapp, dappServer.origins[0]);
  await startCore(page, standin, user.parentOrganizationId);
  const { publicKey, session } = await backendLogin(page, standin, user);
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${publicKey}`]);

  const fetched = await inPage(page, async (app) => {
    const me = await app.client.fetchUser();
    const wallets = await app.client.fetchWallets();
    return { userId: me.userId, wallets: wallets.map((w) => ({ walletId: w.walletId, accounts: w.accounts.length })) };
  });
  expect(fetched).toEqual({ userId: user.userId, wallets: [{ walletId: user.wallet.walletId, accounts: 2 }] });
  const queries = standin.requests().filter((r) => r.path.startsWith("/public/v1/query/"));
  expect(queries.map((r) => r.path).sort()).toEqual(["/public/v1/query/get_user", "/public/v1/query/list_wallet_accounts", "/public/v1/query/list_wallets"]);
  for (const request of queries) expect(request.verifiedStamp).toMatchObject({ stamper: "api-key", publicKey, userId: user.userId });
  await expectInVaultOnly(page, vault, standin, { "@turnkey/session/v3": session });
});

test("refreshSession with every parameter, core's misspelt invalidateExisitng included, and with core's defaults", async ({ vault, standin, dappServer, openDapp }) => {
  const user = seedUser(standin);
  const page = await openCorePage(vault, openDapp, dappServer.origins[0]);
  await startCore(page, standin, user.parentOrganizationId);
  const first = await backendLogin(page, standin, user, "main");
  await backendLogin(page, standin, seedUser(standin, user.parentOrganizationId), "other"); // now the active session

  const spare = await inPage(page, (app) => app.client.createApiKeyPair());
  const result = await inPage(
    page,
    (app, spare) => app.client.refreshSession({ sessionKey: "main", expirationSeconds: "1200", publicKey: spare, invalidateExisitng: true, stampWith: app.StamperType.ApiKey }),
    spare,
  );
  const [refresh] = standin.requests({ path: STAMP_LOGIN });
  expect(refresh!.body).toMatchObject({ organizationId: user.organizationId, parameters: { publicKey: spare, expirationSeconds: "1200", invalidateExisting: true } });
  expect(refresh!.verifiedStamp).toMatchObject({ stamper: "api-key", publicKey: first.publicKey, userId: user.userId });
  expect(standin.apiKeys(user.userId).find((k) => k.publicKey === first.publicKey)?.invalidated).toBe(true);
  // The vault's rule: a refresh does not change which session is active (core would make "main" active).
  expect(await inPage(page, (app) => app.client.getActiveSessionKey())).toBe("other");
  const refreshed = await inPage(page, (app) => app.client.getSession({ sessionKey: "main" }));
  expect(refreshed).toMatchObject({ token: result!.session, publicKey: spare, organizationId: user.organizationId });

  // Core's defaults: the active session, 900 s, a new key pair made in the vault.
  await inPage(page, (app) => app.client.refreshSession());
  const [, second] = standin.requests({ path: STAMP_LOGIN });
  expect((second!.body as { parameters: Record<string, unknown> }).parameters).toMatchObject({ expirationSeconds: "900", invalidateExisting: false });
  const other = await inPage(page, (app) => app.client.getSession({ sessionKey: "other" }));
  expect((second!.body as { parameters: { publicKey: string } }).parameters.publicKey).toBe(other!.publicKey);
  expect(keyPairKeys(await vaultStorage(vault)).sort()).toEqual([`keypair:${spare}`, `keypair:${other!.publicKey}`].sort());
  await expectInVaultOnly(page, vault, standin, { main: result!.session, other: other!.token });
});

test("several sessions: setActiveSession chooses the key that stamps; logout; clearUnusedKeyPairs keeps what is in use", async ({ vault, standin, dappServer, openDapp }) => {
  const alice = seedUser(standin);
  const bob = seedUser(standin, alice.parentOrganizationId);
  const page = await openCorePage(vault, openDapp, dappServer.origins[0]);
  await startCore(page, standin, alice.parentOrganizationId);
  const a = await backendLogin(page, standin, alice, "alice");
  const b = await backendLogin(page, standin, bob, "bob");

  const whoIsIt = () => inPage(page, async (app) => (await app.client.fetchUser()).userId);
  expect(await whoIsIt()).toBe(bob.userId);
  await inPage(page, (app) => app.client.setActiveSession({ sessionKey: "alice" }));
  expect(await whoIsIt()).toBe(alice.userId);
  const stamps = standin.requests({ path: "/public/v1/query/get_user" }).map((r) => r.verifiedStamp?.publicKey);
  expect(stamps).toEqual([b.publicKey, a.publicKey]);
  // The vault refuses an unknown session key (core would point at nothing): core's TurnkeyError with the vault's code.
  expect(await errorCodeInPage(page, (app) => app.client.setActiveSession({ sessionKey: "nobody" }))).toBe("TurnkeyError:NO_SESSION_FOUND");
  await expectInVaultOnly(page, vault, standin, { alice: a.session, bob: b.session });

  // clearUnusedKeyPairs: the two session keys stay, and so does a login key pair still inside its grace period.
  const pending = await inPage(page, (app) => app.client.createApiKeyPair());
  await inPage(page, (app) => app.client.clearUnusedKeyPairs());
  expect(keyPairKeys(await vaultStorage(vault)).sort()).toEqual([a.publicKey, b.publicKey, pending].map((k) => `keypair:${k}`).sort());
  // core's deleteApiKeyPair (its clean-up after a failed login) deletes it in the vault.
  await inPage(page, (app, publicKey) => app.client.deleteApiKeyPair({ publicKey }), pending);

  await inPage(page, (app) => app.client.logout()); // the active session: alice
  expect(await inPage(page, (app) => app.client.getActiveSessionKey())).toBeUndefined();
  await expectInVaultOnly(page, vault, standin, { bob: b.session });
  await inPage(page, (app) => app.client.logout({ sessionKey: "bob" }));
  await expectInVaultOnly(page, vault, standin, {});
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([]);
  // A request now fails as core fails without a session.
  expect(await errorCodeInPage(page, (app) => app.client.fetchUser())).toBe("TurnkeyError:NO_SESSION_FOUND");
});

test("setActiveSession in one tab: core in another tab sends its next request for the new active session (activeSessionChanged)", async ({ vault, standin, dappServer, openDapp }) => {
  const alice = seedUser(standin);
  const bob = seedUser(standin, alice.parentOrganizationId);
  const tabA = await openCorePage(vault, openDapp, dappServer.origins[0]);
  await startCore(tabA, standin, alice.parentOrganizationId);
  const a = await backendLogin(tabA, standin, alice, "alice");
  const b = await backendLogin(tabA, standin, bob, "bob"); // stored last: the active session
  const tabB = await openCorePage(vault, openDapp, dappServer.origins[0]);
  await startCore(tabB, standin, alice.parentOrganizationId);

  const whoIsIt = (page: Page) => inPage(page, async (app) => (await app.client.fetchUser()).userId);
  expect(await whoIsIt(tabB)).toBe(bob.userId); // tab B now keeps bob's session as the active one
  await tabB.evaluate(() => {
    const switches: string[] = ((window as unknown as { switches: string[] }).switches = []);
    (window as unknown as { turnkeySession: EventTarget }).turnkeySession.addEventListener("activeSessionChanged", (e) => switches.push((e as CustomEvent).detail.sessionKey));
  });
  await inPage(tabA, (app) => app.client.setActiveSession({ sessionKey: "alice" }));
  await tabB.waitForFunction(() => (window as unknown as { switches: string[] }).switches.length === 1);

  expect(await whoIsIt(tabB)).toBe(alice.userId);
  const lastGetUser = standin.requests({ path: "/public/v1/query/get_user" }).at(-1)!;
  expect(lastGetUser.body).toMatchObject({ organizationId: alice.organizationId, userId: alice.userId });
  expect(lastGetUser.verifiedStamp?.publicKey).toBe(a.publicKey);
  // Setting the session that is already active changes nothing and sends no event.
  await inPage(tabA, (app) => app.client.setActiveSession({ sessionKey: "alice" }));
  await inPage(tabA, (app) => app.client.setActiveSession({ sessionKey: "bob" }));
  await tabB.waitForFunction(() => (window as unknown as { switches: string[] }).switches.length >= 2);
  expect(await tabB.evaluate(() => (window as unknown as { switches: string[] }).switches)).toEqual(["alice", "bob"]);
  expect(await whoIsIt(tabB)).toBe(bob.userId);
  expect(standin.requests({ path: "/public/v1/query/get_user" }).at(-1)!.verifiedStamp?.publicKey).toBe(b.publicKey);
  await expectInVaultOnly(tabB, vault, standin, { alice: a.session, bob: b.session });
});

test("loginWithPasskey (Chromium's virtual authenticator): the session key pair is made in the vault; refresh with stampWith passkey", async ({ vault, standin, dappServer, openDapp }) => {
  // WebAuthn wants a domain for its RP ID, not an IP address: the localhost origin.
  const origin = dappServer.origins[1];
  const user = seedUser(standin);
  const page = await openCorePage(vault, openDapp, origin);
  const cdp = await vault.context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const credential = await page.evaluate(async () => {
    const created = (await navigator.credentials.create({
      publicKey: {
        rp: { id: "localhost", name: "core test" },
        user: { id: crypto.getRandomValues(new Uint8Array(16)), name: "alice", displayName: "Alice" },
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        pubKeyCredParams: [{ type: "public-key", alg: -7 }],
        authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
      },
    })) as PublicKeyCredential;
    const spki = new Uint8Array((created.response as AuthenticatorAttestationResponse).getPublicKey()!);
    return { credentialId: created.id, publicKey: Array.from(spki, (b) => b.toString(16).padStart(2, "0")).join("") };
  });
  standin.registerCredential({ type: "passkey", userId: user.userId, ...credential, origin });
  await startCore(page, standin, user.parentOrganizationId, { passkeyConfig: { rpId: "localhost" } });

  const { sessionToken } = await inPage(page, (app) => app.client.loginWithPasskey());
  const [login] = standin.requests({ path: STAMP_LOGIN });
  expect(login!.verifiedStamp).toMatchObject({ stamper: "passkey", credentialId: credential.credentialId, userId: user.userId });
  const session = await value<{ publicKey: string; organizationId: string }>(page, "getSession");
  expect(session.organizationId).toBe(user.organizationId);
  expect((login!.body as { parameters: { publicKey: string } }).parameters.publicKey).toBe(session.publicKey);
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${session.publicKey}`]);
  await expectInVaultOnly(page, vault, standin, { "@turnkey/session/v3": sessionToken });

  // installSessionVault registered core's own passkey stamper: the vault's refresh is stamped by it.
  const refreshed = await inPage(page, (app) => app.client.refreshSession({ stampWith: app.StamperType.Passkey }));
  expect(standin.requests({ path: STAMP_LOGIN })[1]!.verifiedStamp).toMatchObject({ stamper: "passkey", credentialId: credential.credentialId });
  await expectInVaultOnly(page, vault, standin, { "@turnkey/session/v3": refreshed!.session });

  // A passkey login that fails (here Turnkey refuses it) leaves no key pair behind: core's clean-up reaches the vault's deleteKeyPair.
  standin.inject({ path: STAMP_LOGIN, status: 401, body: JSON.stringify({ code: 16, message: "unauthenticated" }), times: 1 });
  const before = keyPairKeys(await vaultStorage(vault));
  expect(await errorCodeInPage(page, (app) => app.client.loginWithPasskey({ sessionKey: "second" }))).toBe("TurnkeyError:PASSKEY_LOGIN_AUTH_ERROR");
  expect(keyPairKeys(await vaultStorage(vault))).toEqual(before);
  expect(await value(page, "getActiveSessionKey")).toBe("@turnkey/session/v3");
});

test("signUpWithPasskey: the sub-organization's temporary API key and the session key are both made and used in the vault", async ({ vault, standin, dappServer, openDapp }) => {
  const origin = dappServer.origins[1];
  const proxy = standin.createAuthProxyConfig();
  const page = await openCorePage(vault, openDapp, origin);
  const cdp = await vault.context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await startCore(page, standin, proxy.organizationId, { authProxyUrl: proxy.authProxyUrl, authProxyConfigId: proxy.authProxyConfigId, passkeyConfig: { rpId: "localhost" } });

  const { sessionToken } = await inPage(page, (app) => app.client.signUpWithPasskey({ passkeyDisplayName: "alice-passkey" }));
  // stamp_login for the new session key is stamped by the temporary key (a vault login key that no session holds).
  const [login] = standin.requests({ path: STAMP_LOGIN });
  const session = await value<{ publicKey: string; userId: string }>(page, "getSession");
  expect((login!.body as { parameters: { publicKey: string } }).parameters.publicKey).toBe(session.publicKey);
  expect(login!.verifiedStamp).toMatchObject({ stamper: "api-key", userId: session.userId });
  expect(login!.verifiedStamp!.publicKey).not.toBe(session.publicKey);
  // core's finally deleted the temporary key pair in the vault: only the session's key is left.
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${session.publicKey}`]);
  await expectInVaultOnly(page, vault, standin, { "@turnkey/session/v3": sessionToken });
});

test("loginWithWallet (a test EIP-1193 wallet): the wallet signs the stamp_login, the vault holds the session key", async ({ vault, standin, dappServer, openDapp }) => {
  const user = seedUser(standin);
  const page = await openCorePage(vault, openDapp, dappServer.origins[0]);
  const wallet = await inPage(page, (app) => ({ ...app.installTestWallet() }));
  standin.registerCredential({ type: "wallet", userId: user.userId, publicKey: wallet.publicKey });
  await startCore(page, standin, user.parentOrganizationId, { walletConfig: { features: { auth: true }, chains: { ethereum: { native: true } } } });

  const result = await inPage(page, (app) =>
    app.client.loginWithWallet({
      walletProvider: {
        interfaceType: app.WalletInterfaceType.Ethereum,
        chainInfo: { namespace: "ethereum", chainId: "0x1" },
        info: { name: "Test wallet", icon: "", uuid: "test-wallet", rdns: "test.wallet" },
        provider: (window as unknown as { ethereum: never }).ethereum,
        connectedAddresses: [],
      } as never,
    }),
  );
  const [login] = standin.requests({ path: STAMP_LOGIN });
  expect(login!.verifiedStamp).toMatchObject({ stamper: "wallet", publicKey: wallet.publicKey, userId: user.userId });
  const session = await value<{ publicKey: string; organizationId: string }>(page, "getSession");
  expect(session.organizationId).toBe(user.organizationId);
  expect((login!.body as { parameters: { publicKey: string } }).parameters.publicKey).toBe(session.publicKey);
  await expectInVaultOnly(page, vault, standin, { "@turnkey/session/v3": result.sessionToken });

  // A stamped request after the wallet login goes through the vault's key.
  expect(await inPage(page, async (app) => (await app.client.fetchUser()).userId)).toBe(user.userId);
  expect(standin.requests({ path: "/public/v1/query/get_user" })[0]!.verifiedStamp).toMatchObject({ stamper: "api-key", publicKey: session.publicKey });

  // installSessionVault registered core's own wallet stamper: a refresh with stampWith wallet is signed by the wallet again.
  const refreshed = await inPage(page, (app) => app.client.refreshSession({ stampWith: app.StamperType.Wallet }));
  expect(standin.requests({ path: STAMP_LOGIN })[1]!.verifiedStamp).toMatchObject({ stamper: "wallet", publicKey: wallet.publicKey });
  await expectInVaultOnly(page, vault, standin, { "@turnkey/session/v3": refreshed!.session });
});

test("OTP login: initOtp → verifyOtp's steps → loginWithOtp, the attested stamp signed by the vault's key", async ({ vault, standin, dappServer, openDapp }) => {
  const proxy = standin.createAuthProxyConfig();
  const email = "alice@example.com";
  const user = standin.createSubOrganization({ parentOrganizationId: proxy.organizationId, userEmail: email });
  const page = await openCorePage(vault, openDapp, dappServer.origins[0]);
  await startCore(page, standin, proxy.organizationId, { authProxyUrl: proxy.authProxyUrl, authProxyConfigId: proxy.authProxyConfigId });

  const init = await inPage(page, (app, contact) => app.client.initOtp({ otpType: app.OtpType.Email, contact }), email);
  const code = standin.sentOtps(email).at(-1)!.code;
  // Core's own verifyOtp checks the target bundle against Turnkey's production signer key, which
  // the stand-in cannot sign with: it fails, and the key pair it made in the vault is deleted again.
  const before = keyPairKeys(await vaultStorage(vault));
  const failed = await errorCodeInPage(page, (app, arg) => app.client.verifyOtp({ otpId: arg.init.otpId, otpCode: arg.code, otpEncryptionTargetBundle: arg.init.otpEncryptionTargetBundle }), { init, code });
  expect(failed).toBe("TurnkeyError:VERIFY_OTP_ERROR");
  expect(keyPairKeys(await vaultStorage(vault))).toEqual(before);

  // verifyOtp's steps, with the stand-in's signer key: a key pair made through core (in the vault), its public key encrypted to the bundle.
  const verified = await inPage(
    page,
    async (app, arg) => {
      const publicKey = await app.client.createApiKeyPair();
      const encryptedOtpBundle = await app.encryptOtpCodeToBundle(arg.code, arg.init.otpEncryptionTargetBundle, publicKey, arg.signer);
      const { verificationToken } = await app.client.httpClient.proxyVerifyOtpV2({ otpId: arg.init.otpId, encryptedOtpBundle });
      return { publicKey, verificationToken };
    },
    { init, code, signer: standin.otpSignerPublicKey },
  );
  const { sessionToken } = await inPage(page, (app, verificationToken) => app.client.loginWithOtp({ verificationToken }), verified.verificationToken);

  const [login] = standin.requests({ path: STAMP_LOGIN });
  expect(login!.headers["x-stamp-attested"]).toBeDefined();
  expect(login!.verifiedStamp).toMatchObject({ publicKey: verified.publicKey, userId: user.userId });
  const session = await value<{ publicKey: string; organizationId: string; userId: string }>(page, "getSession");
  expect(session).toMatchObject({ publicKey: verified.publicKey, organizationId: user.organizationId, userId: user.userId });
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${verified.publicKey}`]);
  await expectInVaultOnly(page, vault, standin, { "@turnkey/session/v3": sessionToken });
  expect(await inPage(page, async (app) => (await app.client.fetchUser()).userId)).toBe(user.userId);
});

test("installing removes what core kept in the page before: sessions in localStorage, key pairs in TurnkeyStamperDB", async ({ vault, standin, dappServer, openDapp }) => {
  const user = seedUser(standin);
  const page = await openCorePage(vault, openDapp, dappServer.origins[0]);
  // An earlier version of the dApp, without the drop-in: core logs in in the page.
  await inPage(page, (app, config) => app.start(config as never, { install: false }), { apiBaseUrl: standin.url, organizationId: user.parentOrganizationId });
  const publicKey = await inPage(page, (app) => app.client.createApiKeyPair());
  const { session } = standin.mint({ publicKey, organizationId: user.organizationId, userId: user.userId });
  await inPage(page, (app, sessionToken) => app.client.storeSession({ sessionToken }), session);
  const before = await inPage(page, (app) => app.pageState());
  expect(before).toMatchObject({ jwtInLocalStorage: true, stamperDb: 1 });

  // The new version installs the drop-in: the leftovers are gone, the page keeps nothing.
  await page.reload();
  await page.waitForFunction(() => !!(window as { coreApp?: unknown }).coreApp);
  await startCore(page, standin, user.parentOrganizationId);
  const after = await inPage(page, (app) => app.pageState());
  expect(after.jwtInLocalStorage).toBe(false);
  expect(Object.keys(after.localStorage)).toEqual([]);
  expect(after.stamperDb).toBe("absent");
  expect(await inPage(page, (app) => app.client.getSession())).toBeUndefined();
});

test("without the extension: installSessionVault resolves false after its timeout and core runs in the page as before", async ({ standin, dappServer }) => {
  const userDataDir = await mkdtemp(join(tmpdir(), "tsv-plain-"));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: findChromium(), headless: true, chromiumSandbox: false, args: ["--disable-gpu", "--no-first-run"] });
  try {
    await serveBundle(context);
    const page = await context.newPage();
    await page.goto(dappServer.url(dappServer.origins[0], "/core.html"));
    await page.waitForFunction(() => !!(window as { coreApp?: unknown }).coreApp);
    expect(await page.evaluate(() => "turnkeySession" in window)).toBe(false);
    const user = seedUser(standin);
    const timeoutMs = 400;
    const started = await inPage(page, (app, config) => app.start(config.core as never, { timeoutMs: config.timeoutMs }), {
      core: { apiBaseUrl: standin.url, organizationId: user.parentOrganizationId },
      timeoutMs,
    });
    expect(started).toMatchObject({ installed: false, usesVault: false });
    // It waited for the vault the whole timeout, and not for ever.
    expect(started.installMs).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(started.installMs).toBeLessThan(timeoutMs + 10_000);

    const publicKey = await inPage(page, (app) => app.client.createApiKeyPair());
    const { session } = standin.mint({ publicKey, organizationId: user.organizationId, userId: user.userId });
    await inPage(page, (app, sessionToken) => app.client.storeSession({ sessionToken }), session);
    expect(await inPage(page, (app) => app.pageState())).toMatchObject({ jwtInLocalStorage: true, stamperDb: 1 });
    const refreshed = await inPage(page, (app) => app.client.refreshSession());
    expect(standin.requests({ path: STAMP_LOGIN })[0]!.verifiedStamp).toMatchObject({ stamper: "api-key", publicKey });
    expect((await inPage(page, (app) => app.pageState())).localStorage["@turnkey/session/v3"]).toContain(refreshed!.session);
    expect(await inPage(page, async (app) => (await app.client.fetchUser()).userId)).toBe(user.userId);
    await inPage(page, (app) => app.client.logout());
    expect(await inPage(page, (app) => app.pageState())).toMatchObject({ jwtInLocalStorage: false });
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
});
