/**
 * `installSessionVault` with the real, unmodified `@turnkey/core` 2.8.1 `TurnkeyClient` in Node,
 * over the in-memory vault of `fake-vault.fixture.ts`: what core's own flows do once installed
 * (each store, read, key pair, stamp and signature goes to the vault; nothing reaches
 * `localStorage` or IndexedDB), error codes and class, and that without a vault nothing changes.
 * Requests core would send go to a recording `fetch`.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { FakeVault, fakeSignature, fakeStamp, installTestWindow, type TestWindow } from "./fake-vault.fixture.ts";

const win: TestWindow = installTestWindow();
// Core reads `window` when it loads, so it is imported only once the test window is there.
const core = await import("@turnkey/core");
const { installSessionVault, SESSION_VAULT_RESYNC, usesSessionVault } = await import("./turnkey-core.ts");
const { TurnkeyClient, TurnkeyError } = core;

type Client = InstanceType<typeof TurnkeyClient>;
const API = "http://127.0.0.1:9";
const config = { apiBaseUrl: API, organizationId: "parent-org" };

/** A subclass per test, so that each install patches its own prototype and core's stays as it is. */
const freshClass = () => class extends TurnkeyClient {};

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}
let sent: Sent[];

beforeAll(() => {
  vi.stubGlobal("fetch", async (url: string, init: { headers: Record<string, string>; body: string }) => {
    sent.push({ url, headers: init.headers, body: JSON.parse(init.body) });
    const replies: Record<string, unknown> = { get_user: { user: { userId: "user-1", userName: "u" } }, list_wallets: { wallets: [] }, list_wallet_accounts: { accounts: [] } };
    const reply = replies[url.slice(url.lastIndexOf("/") + 1)] ?? {};
    return new Response(JSON.stringify(reply), { status: 200, headers: { "Content-Type": "application/json" } });
  });
});

let vault: FakeVault;
beforeEach(() => {
  sent = [];
  vault = new FakeVault();
  win.turnkeySession = vault;
  win.localStorage.clear();
  win.indexedDB.deleted.length = 0;
});
afterEach(() => {
  delete win.turnkeySession;
  vi.useRealTimers();
});

async function installedClient(clientConfig: Record<string, unknown> = config): Promise<Client> {
  const Class = freshClass();
  expect(await installSessionVault(Class)).toBe(true);
  const client = new Class(clientConfig as never);
  await client.init();
  return client;
}

/** Logs in as a backend would: a key pair made through core, a session minted for it, stored through core. */
async function logIn(client: Client, sessionKey?: string, organizationId = "org-1") {
  const publicKey = await client.createApiKeyPair();
  const sessionToken = vault.mint(publicKey, { organizationId });
  await client.storeSession({ sessionToken, ...(sessionKey ? { sessionKey } : {}) });
  return { publicKey, sessionToken };
}

describe("without a vault", () => {
  test("resolves false once timeoutMs has passed and leaves TurnkeyClient as it was", async () => {
    delete win.turnkeySession;
    vi.useFakeTimers();
    const Class = freshClass();
    const coreInit = Class.prototype.init;
    const installed = installSessionVault(Class, { timeoutMs: 200 });
    await vi.advanceTimersByTimeAsync(200);
    expect(await installed).toBe(false);
    expect(Class.prototype.init).toBe(coreInit);
    expect(Object.getOwnPropertyNames(Class.prototype)).toEqual(["constructor"]);
  });

  test("a vault that never answers its first call counts as none", async () => {
    vi.useFakeTimers();
    vault.getActiveSessionKey = () => new Promise(() => {});
    const Class = freshClass();
    const installed = installSessionVault(Class, { timeoutMs: 200 });
    await vi.advanceTimersByTimeAsync(200);
    expect(await installed).toBe(false);
    expect(Object.getOwnPropertyNames(Class.prototype)).toEqual(["constructor"]);
  });

  test("core keeps its sessions in the page, as before", async () => {
    delete win.turnkeySession;
    vi.useFakeTimers();
    const Class = freshClass();
    const installed = installSessionVault(Class, { timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    expect(await installed).toBe(false);
    vi.useRealTimers();
    const client = new Class(config);
    await client.init();
    expect(usesSessionVault(client)).toBe(false);
    await client.storeSession({ sessionToken: vault.mint(`02${"ab".repeat(32)}`) }).catch(() => {}); // clearUnusedKeyPairs needs IndexedDB, absent in Node
    expect(win.localStorage.getItem("@turnkey/session/v3")).toContain("token");
  });
});

describe("installed", () => {
  test("removes what core left in the page, once, and patches only init", async () => {
    win.localStorage.setItem("@turnkey/session/v3", JSON.stringify({ token: "old.jwt.x", publicKey: "02aa" }));
    win.localStorage.setItem("@turnkey/all-session-keys", JSON.stringify(["@turnkey/session/v3"]));
    win.localStorage.setItem("app-setting", "kept");
    const Class = freshClass();
    const [first, second] = await Promise.all([installSessionVault(Class), installSessionVault(Class)]);
    expect([first, second]).toEqual([true, true]);
    expect(win.localStorage.keys()).toEqual(["app-setting"]);
    expect(win.indexedDB.deleted).toEqual(["TurnkeyStamperDB"]);
    expect(Object.getOwnPropertyNames(Class.prototype).sort()).toEqual(["constructor", "init"]);
    expect(Object.getOwnPropertyNames(TurnkeyClient.prototype)).toEqual(["constructor", "init", "pollTransactionStatus"]);
  });

  test("storeSession and every read go to the vault; nothing is written to the page", async () => {
    const client = await installedClient();
    expect(usesSessionVault(client)).toBe(true);
    expect(usesSessionVault(client.httpClient)).toBe(true);
    const { publicKey, sessionToken } = await logIn(client);
    expect(vault.sessions.get("@turnkey/session/v3")).toMatchObject({ token: sessionToken, publicKey, apiBaseUrl: API });
    expect(await client.getSession()).toMatchObject({ token: sessionToken, organizationId: "org-1" });
    expect(await client.getActiveSessionKey()).toBe("@turnkey/session/v3");
    expect(Object.keys((await client.getAllSessions())!)).toEqual(["@turnkey/session/v3"]);
    expect(win.localStorage.length).toBe(0);
    // core's storeSession sweeps unused key pairs afterwards: the vault's sweep, not core's (which would list IndexedDB)
    expect(vault.count("clearUnusedKeyPairs")).toBe(1);
  });

  test("a stamped request (fetchUser, fetchWallets) is signed by the vault with the active session's key, one vault call each", async () => {
    const client = await installedClient();
    const { publicKey } = await logIn(client, undefined, "sub-org");
    vault.calls.length = 0;
    const user = await client.fetchUser();
    expect(user.userId).toBe("user-1");
    const [request] = sent;
    expect(request!.url).toBe(`${API}/public/v1/query/get_user`);
    expect(request!.body).toMatchObject({ organizationId: "sub-org", userId: "user-1" });
    const body = JSON.stringify(request!.body);
    expect(request!.headers["X-Stamp"]).toBe(fakeStamp(publicKey, body).stampHeaderValue);
    expect(vault.calls.map((c) => c.method)).toEqual(["stamp"]); // the session the login stored is kept from its own event
    await client.fetchWallets();
    const walletCalls = sent.slice(1);
    expect(walletCalls.map((r) => r.url.replace(`${API}/public/v1/query/`, "")).sort()).toEqual(["list_wallet_accounts", "list_wallets"]);
    for (const r of walletCalls) expect(r.headers["X-Stamp"]).toBe(fakeStamp(publicKey, JSON.stringify(r.body)).stampHeaderValue);
    expect(vault.count("stamp")).toBe(3);
    expect(vault.count("getSession")).toBe(0);
  });

  test("a session changed elsewhere (an event) is read again before the next request", async () => {
    const client = await installedClient();
    await logIn(client);
    await client.fetchUser();
    const { session } = await vault.refreshSession(); // the alarm, the popup or another tab
    const newKey = vault.sessions.get("@turnkey/session/v3")!.publicKey!;
    await client.fetchUser();
    expect(sent[1]!.headers["X-Stamp"]).toBe(fakeStamp(newKey, JSON.stringify(sent[1]!.body)).stampHeaderValue);
    expect((await client.getSession())?.token).toBe(session);
  });

  test("refreshSession passes every parameter, core's misspelt invalidateExisitng included, and keeps the active session", async () => {
    const client = await installedClient({ ...config, defaultStamperType: "passkey" });
    await logIn(client, "first");
    await logIn(client, "second");
    const spare = await client.createApiKeyPair();
    const result = await client.refreshSession({ sessionKey: "first", expirationSeconds: "1200", publicKey: spare, invalidateExisitng: true, stampWith: core.StamperType.ApiKey });
    expect(vault.calls.find((c) => c.method === "refreshSession")!.args[0]).toEqual({
      sessionKey: "first",
      expirationSeconds: "1200",
      publicKey: spare,
      invalidateExisting: true,
      stampWith: "api-key",
    });
    expect(result).toMatchObject({ session: vault.sessions.get("first")!.token, activity: { status: "ACTIVITY_STATUS_COMPLETED" } });
    expect(await client.getActiveSessionKey()).toBe("second");
    await client.refreshSession();
    expect(vault.calls.filter((c) => c.method === "refreshSession")[1]!.args[0]).toEqual({ stampWith: "passkey" }); // core's default stamper
  });

  test("a refresh costs one vault call: the kit's re-reads after it (active key, session, all sessions) are answered from memory", async () => {
    const client = await installedClient();
    await logIn(client, "a");
    await logIn(client, "b");
    await client.getAllSessions();
    await client.getActiveSessionKey();
    vault.calls.length = 0;
    // What react-wallet-kit's refreshSession does: the active key, core's refresh, then its re-reads.
    await client.getActiveSessionKey();
    const result = await client.refreshSession({ sessionKey: "b" });
    const session = await client.getSession({ sessionKey: "b" });
    const all = await client.getAllSessions();
    expect(session?.token).toBe(result!.session);
    expect(all?.b?.token).toBe(result!.session);
    expect(all?.a?.token).toBe(vault.sessions.get("a")!.token);
    expect((await client.getSession())?.token).toBe(result!.session); // b is the active session
    expect(vault.calls.map((c) => c.method)).toEqual(["refreshSession"]);
  });

  test("SESSION_VAULT_RESYNC answers with the session the vault holds, without a stamp_login", async () => {
    const client = await installedClient();
    await logIn(client);
    await vault.refreshSession();
    const result = await client.refreshSession({ [SESSION_VAULT_RESYNC]: true } as never);
    expect(result).toEqual({ session: vault.sessions.get("@turnkey/session/v3")!.token, activity: undefined });
    expect(vault.count("refreshSession")).toBe(1);
    await expect(client.refreshSession({ sessionKey: "none", [SESSION_VAULT_RESYNC]: true } as never)).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
  });

  test("vault errors reach the app as core's TurnkeyError with the vault's code", async () => {
    const client = await installedClient();
    await logIn(client);
    vault.failWith.stamp = "SESSION_EXPIRED";
    const error = await client.fetchUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TurnkeyError);
    expect(error).toMatchObject({ code: "SESSION_EXPIRED", message: "stamp failed" });
    vault.failWith.refreshSession = "REFRESH_SESSION_ERROR";
    await expect(client.refreshSession()).rejects.toSatisfy((e) => e instanceof TurnkeyError && (e as { code?: string }).code === "REFRESH_SESSION_ERROR");
    vault.failWith.setActiveSession = "NO_SESSION_FOUND";
    await expect(client.setActiveSession({ sessionKey: "unknown" })).rejects.toMatchObject({ code: "NO_SESSION_FOUND" });
  });

  test("an external key pair cannot be handed in: INVALID_REQUEST, nothing made", async () => {
    const client = await installedClient();
    const externalKeyPair = { publicKey: "02".padEnd(66, "1"), privateKey: "11".repeat(32) };
    await expect(client.createApiKeyPair({ externalKeyPair })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect(vault.keyPairs.size).toBe(0);
  });

  test("several sessions: setActiveSession switches the key that stamps", async () => {
    const client = await installedClient();
    const a = await logIn(client, "a", "org-a");
    const b = await logIn(client, "b", "org-b");
    await client.fetchUser();
    expect(sent[0]!.headers["X-Stamp"]).toContain(b.publicKey);
    await client.setActiveSession({ sessionKey: "a" });
    await client.fetchUser();
    expect(sent[1]!.body.organizationId).toBe("org-a");
    expect(sent[1]!.headers["X-Stamp"]).toContain(a.publicKey);
  });

  test("logout, clearSession, clearAllSessions and clearUnusedKeyPairs are one vault call each", async () => {
    const client = await installedClient();
    await logIn(client, "a");
    await logIn(client, "b");
    const loginKey = await client.createApiKeyPair();
    vault.calls.length = 0;
    await client.logout();
    expect(vault.calls.map((c) => [c.method, c.args[0]])).toEqual([["logout", undefined]]);
    expect([...vault.sessions.keys()]).toEqual(["a"]);
    await client.clearSession({ sessionKey: "gone" }); // already gone: resolves
    await client.clearUnusedKeyPairs();
    expect(vault.keyPairs.has(loginKey)).toBe(false);
    await client.logout({ sessionKey: "a" });
    expect(vault.sessions.size).toBe(0);
    await logIn(client, "c");
    await client.clearAllSessions();
    expect(vault.sessions.size).toBe(0);
    expect(vault.calls.map((c) => c.method)).toEqual(
      expect.arrayContaining(["logout", "clearSession", "clearUnusedKeyPairs", "logout", "clearAllSessions"]),
    );
    expect(vault.count("deleteKeyPair")).toBe(0);
  });

  test("OTP and OAuth logins: the attested stamp carries the vault's DER signature by the verification key", async () => {
    const client = await installedClient();
    const publicKey = await client.createApiKeyPair();
    await client.overrideAttestedStamper({ verificationToken: "verification-token", publicKey });
    const signed = await client.httpClient.stampStampLogin({ publicKey, organizationId: "sub-org" } as never, core.StamperType.Attested);
    const stamp = JSON.parse(Buffer.from(signed!.stamp.stampHeaderValue, "base64url").toString());
    expect(signed!.stamp.stampHeaderName).toBe("X-Stamp-Attested");
    expect(stamp).toMatchObject({ publicKey, publicKeyAttestation: "verification-token", signature: fakeSignature(publicKey, "der", signed!.body) });
  });

  test("signWithApiKey (OTP sign-up's client signature) is the vault's raw signature", async () => {
    const client = await installedClient();
    const publicKey = await client.createApiKeyPair();
    expect(await client.signWithApiKey({ message: "hello", publicKey })).toBe(fakeSignature(publicKey, "raw", "hello"));
  });

  test("a failed login's key pair is deleted in the vault (core's clean-up path)", async () => {
    const client = await installedClient();
    const publicKey = await client.createApiKeyPair();
    await client.deleteApiKeyPair({ publicKey });
    expect(vault.keyPairs.has(publicKey)).toBe(false);
    expect(vault.calls.at(-1)).toEqual({ method: "deleteKeyPair", args: [{ publicKey }] });
  });

  test("page storage entries that core never calls refuse rather than write to localStorage", async () => {
    const client = await installedClient();
    const storage = (client as unknown as { storageManager: { setStorageValue(k: string, v: unknown): Promise<void> } }).storageManager;
    await expect(storage.setStorageValue("@turnkey/session/v3", { token: "x" })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect(win.localStorage.length).toBe(0);
  });

  test("storing the token already held only makes it active: no second write, no event echo", async () => {
    const client = await installedClient();
    const { sessionToken } = await logIn(client, "a");
    await logIn(client, "b");
    vault.calls.length = 0;
    await client.storeSession({ sessionToken, sessionKey: "a" });
    expect(vault.count("storeSession")).toBe(0);
    expect(await client.getActiveSessionKey()).toBe("a");
  });

  test("a client whose insides are not core 2.8's fails its init instead of keeping keys in the page", async () => {
    class Unknown {
      async init() {}
    }
    expect(await installSessionVault(Unknown as never)).toBe(true);
    await expect(new Unknown().init()).rejects.toMatchObject({ code: "INITIALIZE_CLIENT_ERROR" });
  });
});
