import { TurnkeyClient, TurnkeyRequestError } from "@turnkey/http";
import { describe, expect, it } from "vitest";
import { createTurnkeyApi, GET_ACTIVITY_PATH, signed, STAMP_LOGIN_PATH, type StampLoginRequest, type Stamper } from "./turnkey-client.ts";

type Answer = { status?: number; body?: string } | "hang" | "network-error";
interface Sent {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** A fetch that answers from a script and records what it was sent. */
function scriptedFetch(answers: Answer[]) {
  const sent: Sent[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    sent.push({ url, body: init.body as string, headers: init.headers as Record<string, string> });
    const answer = answers.shift() ?? { status: 500, body: "{}" };
    if (answer === "network-error") throw new TypeError("Failed to fetch");
    if (answer === "hang") {
      return new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    }
    return new Response(answer.body ?? "", { status: answer.status ?? 200 });
  };
  return { fetch, sent };
}

const activity = (status: string, session?: string) =>
  JSON.stringify({ activity: { id: "act-1", status, ...(session ? { result: { stampLoginResult: { session } } } : {}) } });

const request = (timeoutMs = 1000): StampLoginRequest => ({
  apiBaseUrl: "https://api.example",
  organizationId: "org-1",
  parameters: { publicKey: "02" + "ab".repeat(32), expirationSeconds: "900", invalidateExisting: false },
  stamper: { stamp: async (payload) => ({ stampHeaderName: "X-Stamp", stampHeaderValue: `stamp-of:${payload.length}` }) },
  timeoutMs,
});

const noSleep = async () => {};

describe("signed", () => {
  it("makes the URL, body and stamp that @turnkey/http's TurnkeyClient makes", async () => {
    const stamper: Stamper = { stamp: async (payload) => ({ stampHeaderName: "X-Stamp", stampHeaderValue: `stamp-of:${payload}` }) };
    const sdk = new TurnkeyClient({ baseUrl: "https://api.example" }, stamper);
    const login = {
      parameters: { publicKey: "02" + "ab".repeat(32), expirationSeconds: "900", invalidateExisting: false, sessionProfileId: "p-1" },
      organizationId: "org-1",
      timestampMs: "1700000000000",
      type: "ACTIVITY_TYPE_STAMP_LOGIN" as const,
    };
    expect(await signed("https://api.example", STAMP_LOGIN_PATH, login, stamper)).toEqual(await sdk.stampStampLogin(login));
    const poll = { organizationId: "org-1", activityId: "act-1" };
    expect(await signed("https://api.example", GET_ACTIVITY_PATH, poll, stamper)).toEqual(await sdk.stampGetActivity(poll));
  });
});

describe("stampLogin", () => {
  it("posts Turnkey's body, stamped over those exact bytes, with the SDK's headers", async () => {
    const { fetch, sent } = scriptedFetch([{ body: activity("ACTIVITY_STATUS_COMPLETED", "jwt") }]);
    const result = await createTurnkeyApi({ fetch, now: () => 1_700_000_000_000 }).stampLogin(request());
    expect(result.session).toBe("jwt");
    expect(sent[0]!.url).toBe("https://api.example/public/v1/submit/stamp_login");
    expect(sent[0]!.body).toBe(
      `{"parameters":{"publicKey":"02${"ab".repeat(32)}","expirationSeconds":"900","invalidateExisting":false},"organizationId":"org-1","timestampMs":"1700000000000","type":"ACTIVITY_TYPE_STAMP_LOGIN"}`,
    );
    expect(sent[0]!.headers["X-Stamp"]).toBe(`stamp-of:${sent[0]!.body.length}`);
    expect(sent[0]!.headers["X-Client-Version"]).toMatch(/^@turnkey\/http@/);
  });

  it("polls get_activity while the activity is pending", async () => {
    const { fetch, sent } = scriptedFetch([
      { body: activity("ACTIVITY_STATUS_PENDING") },
      { body: activity("ACTIVITY_STATUS_CONSENSUS_NEEDED") },
      { body: activity("ACTIVITY_STATUS_COMPLETED", "jwt") },
    ]);
    expect((await createTurnkeyApi({ fetch, sleep: noSleep }).stampLogin(request())).session).toBe("jwt");
    expect(sent.map((s) => s.url.split("/").pop())).toEqual(["stamp_login", "get_activity", "get_activity"]);
    expect(JSON.parse(sent[1]!.body)).toEqual({ organizationId: "org-1", activityId: "act-1" });
  });

  it("fails with TIMEOUT when Turnkey does not answer, or stays pending, past the deadline", async () => {
    await expect(createTurnkeyApi(scriptedFetch(["hang"])).stampLogin(request(50))).rejects.toMatchObject({ code: "TIMEOUT" });
    let now = 0;
    const pendingForever = scriptedFetch(Array.from({ length: 50 }, () => ({ body: activity("ACTIVITY_STATUS_PENDING") })));
    const api = createTurnkeyApi({ fetch: pendingForever.fetch, now: () => now, sleep: async (ms) => void (now += ms) });
    await expect(api.stampLogin(request(5_000))).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  it("surfaces Turnkey error replies as @turnkey/http's TurnkeyRequestError", async () => {
    const body = JSON.stringify({ code: 16, message: "could not find public key in organization or its parent organization", details: [] });
    const error = await createTurnkeyApi(scriptedFetch([{ status: 401, body }])).stampLogin(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TurnkeyRequestError);
    expect((error as Error).message).toBe("Turnkey error 16: could not find public key in organization or its parent organization (Details: [])");
  });

  it.each([
    ["a non-JSON error page", [{ status: 502, body: "<html>Bad gateway</html>" }], /502/],
    ["a dropped connection", ["network-error" as const], /Network error/],
  ])("reports %s as a plain error for the refresh to map", async (_label, answers, message) => {
    await expect(createTurnkeyApi(scriptedFetch(answers as Answer[])).stampLogin(request())).rejects.toThrow(message);
  });

  it.each([
    ["truncated JSON", { body: '{"activity":{"id"' }],
    ["no activity", { body: "{}" }],
    ["no session in a completed activity", { body: activity("ACTIVITY_STATUS_COMPLETED") }],
  ])("answers %s with BAD_RESPONSE", async (_label, answer) => {
    await expect(createTurnkeyApi(scriptedFetch([answer])).stampLogin(request())).rejects.toMatchObject({ code: "BAD_RESPONSE" });
  });

  it("stamps the polls with pollStamper, and starts the deadline once the body is stamped", async () => {
    let now = 0;
    const { fetch, sent } = scriptedFetch([{ body: activity("ACTIVITY_STATUS_PENDING") }, { body: activity("ACTIVITY_STATUS_COMPLETED", "jwt") }]);
    const api = createTurnkeyApi({ fetch, now: () => now, sleep: async (ms) => void (now += ms) });
    const result = await api.stampLogin({
      ...request(1_000),
      // A passkey prompt that keeps its user for a minute, far past the request timeout.
      stamper: { stamp: async () => ((now += 60_000), { stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: "{}" }) },
      pollStamper: { stamp: async () => ({ stampHeaderName: "X-Stamp", stampHeaderValue: "session-key" }) },
    });
    expect(result.session).toBe("jwt");
    expect(sent.map((s) => [s.url.split("/").pop(), s.headers["X-Stamp-Webauthn"] ?? s.headers["X-Stamp"]])).toEqual([
      ["stamp_login", "{}"],
      ["get_activity", "session-key"],
    ]);
  });

  it("tells the caller once the stamp_login is sent, before its answer, and not for the polls", async () => {
    const { fetch, sent } = scriptedFetch([{ body: activity("ACTIVITY_STATUS_PENDING") }, { body: activity("ACTIVITY_STATUS_COMPLETED", "jwt") }]);
    const seen: number[] = [];
    let answered = false;
    const api = createTurnkeyApi({ fetch: async (url, init) => ((answered = false), await fetch(url, init).finally(() => (answered = true))), sleep: noSleep });
    await api.stampLogin({ ...request(), sent: () => (expect(answered).toBe(false), seen.push(sent.length)) });
    expect(seen).toEqual([1]);
  });

  it("treats FAILED and REJECTED activities as refresh errors", async () => {
    for (const status of ["ACTIVITY_STATUS_FAILED", "ACTIVITY_STATUS_REJECTED"]) {
      await expect(createTurnkeyApi(scriptedFetch([{ body: activity(status) }])).stampLogin(request())).rejects.toMatchObject({ code: "REFRESH_SESSION_ERROR" });
    }
  });
});
