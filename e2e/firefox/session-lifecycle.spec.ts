/**
 * The vault core in Firefox ESR: `window.turnkeySession` exists before the page's own scripts;
 * a dApp logs in, refreshes (signed by the session's own key, checked at the stand-in), gets
 * stamps that the stand-in accepts for whoami, and clears; concurrent refreshes share one
 * `stamp_login`; the background terminated between calls and during a refresh loses nothing.
 * The same flows as the Chromium specs (session-lifecycle, refresh-concurrency), on Firefox's
 * event-page background and Xray-wrapped content scripts.
 */
import { describe, expect, it } from "vitest";
import { useFirefoxVault } from "../support/firefox-fixture.ts";
import { until } from "../support/firefox.ts";
import { call, keyPairKeys, login, value } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const ff = useFirefoxVault();

type Session = { token: string; publicKey: string; expirationSeconds: string; userId: string; organizationId: string };

describe("Firefox: session lifecycle", () => {
  it("defines window.turnkeySession before the page's first script", async () => {
    const page = await ff.openDapp(0, "/first-script.html");
    expect(await page.evaluate(() => (window as unknown as { vaultAtFirstScript: string }).vaultAtFirstScript)).toBe("object");
  });

  it("logs in, refreshes with the session's own key, stamps for whoami, clears", async () => {
    const page = await ff.openDapp(0);
    const first = await login(page, ff.standin, { sessionKey: "lifecycle" });
    const result = await value<{ session: string; activity: { status: string } }>(page, "refreshSession", { sessionKey: "lifecycle", expirationSeconds: "1200" });
    expect(result.activity.status).toBe("ACTIVITY_STATUS_COMPLETED");

    const [request] = ff.standin.requests({ path: STAMP_LOGIN });
    expect(request!.status).toBe(200);
    expect(request!.stampPublicKey).toBe(first.publicKey); // verified by the stand-in: signed by the session's own key
    const body = request!.body as { organizationId: string; parameters: Record<string, unknown> };
    expect(body.organizationId).toBe(first.organizationId);
    expect(body.parameters).toMatchObject({ expirationSeconds: "1200", invalidateExisting: false });

    const session = await value<Session>(page, "getSession", { sessionKey: "lifecycle" });
    expect(session.token).toBe(result.session);
    expect(session.publicKey).toBe(body.parameters.publicKey);
    expect(await value(page, "getActiveSessionKey")).toBe("lifecycle");

    const whoamiBody = JSON.stringify({ organizationId: first.organizationId });
    const stamp = await value<{ stampHeaderName: string; stampHeaderValue: string }>(page, "stamp", whoamiBody, { sessionKey: "lifecycle" });
    const whoami = await page.evaluate(
      async ([url, body, stamp]) => (await fetch(url, { method: "POST", body, headers: { [stamp.stampHeaderName]: stamp.stampHeaderValue } })).json(),
      [`${ff.standin.url}/public/v1/query/whoami`, whoamiBody, stamp] as const,
    );
    expect(whoami).toMatchObject({ organizationId: first.organizationId, userId: first.userId });

    await value(page, "clearSession", { sessionKey: "lifecycle" });
    expect(await value(page, "getSession", { sessionKey: "lifecycle" })).toBeUndefined();
    const storage = await ff.vault.storageLocal();
    expect(keyPairKeys(storage)).not.toContain(`keypair:${session.publicKey}`);
  });

  it("refuses bad input from a page with a TurnkeyError and a code, storing nothing", async () => {
    const page = await ff.openDapp(1);
    const before = JSON.stringify(await ff.vault.storageLocal());
    for (const [method, args, code] of [
      ["storeSession", [{ sessionToken: "not.a.jwt" }], "VALIDATION_ERROR"],
      ["storeSession", [{ sessionToken: 7 }], "VALIDATION_ERROR"],
      ["refreshSession", [{ sessionKey: "none" }], "NO_SESSION_FOUND"],
      ["stamp", [{ not: "a string" }], "VALIDATION_ERROR"],
    ] as const) {
      const outcome = await call(page, method, ...args);
      expect(outcome.ok ? "resolved" : `${outcome.error.name} ${outcome.error.code}`, method).toBe(`TurnkeyError ${code}`);
    }
    // A page object that is not plain data is refused at the bridge, whatever its realm.
    const refused = await page.evaluate(async () => {
      try {
        await (window as unknown as { turnkeySession: { getSession(p: unknown): Promise<unknown> } }).turnkeySession.getSession(new Date());
        return "resolved";
      } catch (error) {
        return `${(error as Error).name} ${(error as { code?: string }).code}`;
      }
    });
    expect(refused).toBe("TurnkeyError VALIDATION_ERROR");
    expect(JSON.stringify(await ff.vault.storageLocal())).toBe(before);
  });

  it("concurrent refreshes from one page and from two tabs become one stamp_login", async () => {
    const tab1 = await ff.openDapp(0);
    const tab2 = await ff.openDapp(0);
    await login(tab1, ff.standin, { sessionKey: "together" });
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => value<{ session: string }>(tab1, "refreshSession", { sessionKey: "together" })),
      ...Array.from({ length: 10 }, () => value<{ session: string }>(tab2, "refreshSession", { sessionKey: "together" })),
    ]);
    expect(ff.standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
    expect(new Set(results.map((r) => r.session)).size).toBe(1);
  });

  it("the background terminated between calls: the next call wakes it, state intact, no reload", async () => {
    const page = await ff.openDapp(0);
    const first = await login(page, ff.standin, { sessionKey: "restart" });
    await ff.vault.terminateBackground();
    expect(await ff.vault.backgroundRunning()).toBe(false);
    const session = await value<Session>(page, "getSession", { sessionKey: "restart" });
    expect(session.publicKey).toBe(first.publicKey);
    await value(page, "refreshSession", { sessionKey: "restart" });
    expect(ff.standin.requests({ path: STAMP_LOGIN }).map((r) => r.stampPublicKey)).toEqual([first.publicKey]);
  });

  it("the background terminated during a refresh: the old session survives, the orphan key pair is swept", async () => {
    const page = await ff.openDapp(0);
    const keysBefore = keyPairKeys(await ff.vault.storageLocal());
    const first = await login(page, ff.standin, { sessionKey: "mid-refresh" });
    ff.standin.inject({ path: STAMP_LOGIN, delayMs: 2_000 });
    const pending = call(page, "refreshSession", { sessionKey: "mid-refresh" });
    await until(async () => ff.standin.requests({ path: STAMP_LOGIN }).length === 1, "the stamp_login to reach the stand-in");
    await ff.vault.terminateBackground();
    const outcome = await pending;
    expect(outcome.ok ? "resolved" : outcome.error.code).toBe("SERVICE_UNAVAILABLE");

    const session = await value<Session>(page, "getSession", { sessionKey: "mid-refresh" });
    expect(session.token).toBe(first.session);
    const added = keyPairKeys(await ff.vault.storageLocal()).filter((key) => !keysBefore.includes(key));
    expect(added).toEqual([`keypair:${first.publicKey}`]);
    const again = await value<{ session: string }>(page, "refreshSession", { sessionKey: "mid-refresh" });
    expect((await value<Session>(page, "getSession", { sessionKey: "mid-refresh" })).token).toBe(again.session);
  });
});
