/**
 * The stand-in as an HTTP server: the /__standin/ control endpoints, CORS for browser callers,
 * the body-size limit, unknown routes, reset and close.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { clientFor, newKeyPair, post, stampHeader } from "./testing.ts";

const WHOAMI = "/public/v1/query/whoami";

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin({ port: 0 });
});
beforeEach(() => standin.reset());
afterAll(() => standin.close());

async function control(method: "GET" | "POST", path: string, body?: unknown) {
  const response = await fetch(standin.url + path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
  });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

describe("control endpoints", () => {
  it("mints over HTTP, creating the organization and user once and reusing them", async () => {
    const first = newKeyPair();
    const second = newKeyPair();

    const minted = await control("POST", "/__standin/mint", { publicKey: first.publicKey });
    const again = await control("POST", "/__standin/mint", {
      publicKey: second.publicKey,
      organizationId: minted.json.organizationId,
      userId: minted.json.userId,
      expirationSeconds: 60,
      sessionType: "SESSION_TYPE_READ_ONLY",
    });

    expect(minted.status).toBe(200);
    expect(minted.json).toEqual({
      session: expect.any(String),
      organizationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(again.json).toMatchObject({ organizationId: minted.json.organizationId, userId: minted.json.userId });
    const keys = await control("GET", `/__standin/api-keys?userId=${minted.json.userId}`);
    expect(keys.json.map((k: { publicKey: string }) => k.publicKey)).toEqual([first.publicKey, second.publicKey]);
    expect(keys.json[1].expiresAt - keys.json[1].createdAt).toBe(60_000);
  });

  it("creates a parent organization, a sub-organization with its user, and a wallet over HTTP", async () => {
    const parent = await control("POST", "/__standin/organizations", { name: "dApp" });
    const sub = await control("POST", "/__standin/sub-organizations", { parentOrganizationId: parent.json.organizationId, userEmail: "ada@example.com" });
    const wallet = await control("POST", "/__standin/wallets", { organizationId: sub.json.organizationId, accounts: 2 });

    expect(parent).toMatchObject({ status: 200, json: { organizationId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(sub).toMatchObject({ status: 200, json: { organizationId: expect.any(String), userId: expect.any(String) } });
    expect(wallet).toMatchObject({ status: 200, json: { walletId: expect.any(String), addresses: [expect.stringMatching(/^0x/), expect.stringMatching(/^0x/)] } });

    const refusals = await Promise.all([
      control("POST", "/__standin/organizations", { name: 1 }),
      control("POST", "/__standin/sub-organizations", { parentOrganizationId: sub.json.organizationId }),
      control("POST", "/__standin/sub-organizations", { parentOrganizationId: parent.json.organizationId, extra: true }),
      control("POST", "/__standin/wallets", { organizationId: crypto.randomUUID() }),
      control("POST", "/__standin/wallets", { organizationId: sub.json.organizationId, accounts: 0 }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(refusals.map((r) => r.json.message)).toEqual([
      "invalid organization options: name must be a string",
      `not a parent organization: "${sub.json.organizationId}"`,
      "invalid sub-organization options: unknown field extra",
      "invalid wallet options: organizationId must name an organization of the stand-in",
      "invalid wallet options: accounts must be a whole number from 1 to 1000",
    ]);
  });

  it("creates an auth proxy configuration and shows the OTP codes sent over HTTP", async () => {
    const config = await control("POST", "/__standin/auth-proxy-configs", {});
    const init = await fetch(`${config.json.authProxyUrl}/v1/otp_init_v2`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Auth-Proxy-Config-ID": config.json.authProxyConfigId },
      body: JSON.stringify({ otpType: "OTP_TYPE_SMS", contact: "+15555550100" }),
    }).then((r) => r.json());
    const sent = await control("GET", `/__standin/otps?contact=${encodeURIComponent("+15555550100")}`);
    const refused = await control("POST", "/__standin/auth-proxy-configs", { organizationId: crypto.randomUUID() });

    expect(config).toMatchObject({ status: 200, json: { authProxyUrl: `${standin.url}/auth-proxy`, authProxyConfigId: expect.any(String), organizationId: expect.any(String) } });
    expect(sent.json).toEqual([{ otpId: init.otpId, otpType: "OTP_TYPE_SMS", contact: "+15555550100", code: expect.stringMatching(/^[0-9]{6}$/), sentAt: expect.any(Number) }]);
    expect((await control("GET", "/__standin/otps")).json).toHaveLength(1);
    expect(refused).toMatchObject({ status: 400, json: { message: "invalid auth proxy options: organizationId must name a parent organization of the stand-in" } });
  });

  it("mints with chosen ids", () => {
    const organizationId = crypto.randomUUID();
    const userId = crypto.randomUUID();

    expect(standin.mint({ publicKey: newKeyPair().publicKey, organizationId, userId })).toMatchObject({
      organizationId,
      userId,
    });
  });

  it("refuses invalid mint options", async () => {
    const publicKey = newKeyPair().publicKey;
    const { userId } = standin.mint({ publicKey: newKeyPair().publicKey });

    for (const options of [
      {},
      { publicKey: "03abc" },
      { publicKey, organizationId: "org-1" },
      { publicKey, userId, organizationId: crypto.randomUUID() },
      { publicKey, expirationSeconds: 0 },
      { publicKey, sessionType: "SESSION_TYPE_ADMIN" },
      { publicKey, extra: true },
    ]) {
      const { status, json } = await control("POST", "/__standin/mint", options);
      expect(status, JSON.stringify(options)).toBe(400);
      expect(json.code).toBe(3);
    }
  });

  it("lists received requests, filtered by path", async () => {
    const keyPair = newKeyPair();
    const { organizationId } = standin.mint({ publicKey: keyPair.publicKey });
    await clientFor(standin, keyPair).getWhoami({ organizationId });
    await post(standin, "/public/v1/query/get_activity", "{}");

    const all = await control("GET", "/__standin/requests");
    const whoami = await control("GET", `/__standin/requests?path=${encodeURIComponent(WHOAMI)}`);

    expect(all.json.map((r: { path: string }) => r.path)).toEqual([WHOAMI, "/public/v1/query/get_activity"]);
    expect(whoami.json).toEqual([
      expect.objectContaining({ path: WHOAMI, stampPublicKey: keyPair.publicKey, status: 200 }),
    ]);
  });

  it("queues faults over HTTP and refuses invalid ones", async () => {
    const keyPair = newKeyPair();
    const { organizationId } = standin.mint({ publicKey: keyPair.publicKey });

    expect(await control("POST", "/__standin/faults", { path: WHOAMI, status: 503 })).toMatchObject({
      status: 200,
      json: { ok: true },
    });
    expect((await control("POST", "/__standin/faults", { status: "soon" })).status).toBe(400);
    await expect(clientFor(standin, keyPair).getWhoami({ organizationId })).rejects.toThrow("Turnkey error 14");
  });

  it("resets everything but the notarizer key", async () => {
    const keyPair = newKeyPair();
    const { organizationId, userId } = standin.mint({ publicKey: keyPair.publicKey });
    await clientFor(standin, keyPair).getWhoami({ organizationId });
    standin.inject({ status: 500 });

    expect(await control("POST", "/__standin/reset")).toMatchObject({ status: 200, json: { ok: true } });

    expect(standin.requests()).toEqual([]);
    expect(standin.apiKeys(userId)).toEqual([]);
    const refused = await clientFor(standin, keyPair).getWhoami({ organizationId }).catch((e: Error) => e);
    expect(String(refused)).toContain("no organization found with the given ID"); // not the 500 fault
    const info = await control("GET", "/__standin/info");
    expect(info.json).toEqual({ url: standin.url, notarizerPublicKey: standin.notarizerPublicKey, otpSignerPublicKey: standin.otpSignerPublicKey, authProxyUrl: `${standin.url}/auth-proxy` });
  });

  it("answers unknown control routes with 404", async () => {
    expect((await control("GET", "/__standin/nope")).status).toBe(404);
    expect((await control("GET", "/__standin/api-keys")).status).toBe(400);
  });
});

describe("HTTP behaviour", () => {
  it("answers CORS preflights for Turnkey's headers", async () => {
    const response = await fetch(standin.url + "/public/v1/submit/stamp_login", {
      method: "OPTIONS",
      headers: {
        Origin: "chrome-extension://abcdefghijklmnop",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-stamp,x-client-version",
      },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(["content-type", "x-stamp", "x-stamp-webauthn", "x-client-version"]),
    );
  });

  it("allows any origin on every reply, errors included", async () => {
    const keyPair = newKeyPair();
    const { organizationId } = standin.mint({ publicKey: keyPair.publicKey });
    const body = JSON.stringify({ organizationId });

    const ok = await post(standin, WHOAMI, body, stampHeader(keyPair, body));
    const refused = await post(standin, WHOAMI, body);
    const control404 = await fetch(standin.url + "/__standin/nope");

    for (const headers of [ok.headers, refused.headers, control404.headers]) {
      expect(headers.get("access-control-allow-origin")).toBe("*");
    }
    expect([ok.status, refused.status]).toEqual([200, 401]);
  });

  it("refuses bodies over 1 MB", async () => {
    const { status, json } = await post(standin, WHOAMI, "x".repeat(1024 * 1024 + 1));

    expect(status).toBe(413);
    expect(json.code).toBe(8);
    expect(standin.requests({ path: WHOAMI })).toEqual([expect.objectContaining({ status: 413, rawBody: "" })]);
  });

  it("answers unknown API paths with 404 and other methods with 405, recording them", async () => {
    const unknown = await post(standin, "/public/v1/query/list_policies", "{}");
    const get = await fetch(standin.url + WHOAMI);

    expect(unknown).toMatchObject({ status: 404, json: { code: 5, message: "Not Found" } });
    expect(get.status).toBe(405);
    expect(standin.requests().map((r) => [r.method, r.status])).toEqual([
      ["POST", 404],
      ["GET", 405],
    ]);
    expect((await fetch(standin.url + "/elsewhere")).status).toBe(404);
  });

  it("closes with requests still waiting on a delay", async () => {
    const other = await startStandin();
    other.inject({ delayMs: 60_000 });
    const pending = fetch(other.url + WHOAMI, { method: "POST", body: "{}" }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));

    await other.close();

    expect(await pending).toBeInstanceOf(Error);
    await expect(fetch(other.url + WHOAMI)).rejects.toThrow();
  });
});
