/**
 * Turnkey API failures against the stand-in: every failed refresh answers with the mapped
 * `TurnkeyError` code, and leaves the stored session and key pairs exactly as they were.
 */
import type { Fault } from "../standin/server.ts";
import { expect, test } from "../support/fixtures.ts";
import { call, login, value, vaultStorage } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";

test.beforeEach(({ standin }) => standin.reset());

const cases: [string, Fault, string][] = [
  ["HTTP 500", { path: STAMP_LOGIN, status: 500 }, "REFRESH_SESSION_ERROR"],
  ["HTTP 503", { path: STAMP_LOGIN, status: 503 }, "REFRESH_SESSION_ERROR"],
  ["HTTP 429", { path: STAMP_LOGIN, status: 429 }, "REFRESH_SESSION_ERROR"],
  ["an HTML error page", { path: STAMP_LOGIN, status: 502, body: "<html>bad gateway</html>" }, "REFRESH_SESSION_ERROR"],
  // Chromium resends a request once when a reused keep-alive socket closes unanswered; drop both.
  ["a dropped connection", { path: STAMP_LOGIN, drop: true, times: 2 }, "REFRESH_SESSION_ERROR"],
  ["truncated JSON", { path: STAMP_LOGIN, status: 200, body: '{"activity":{"id":"x","sta' }, "BAD_RESPONSE"],
  ["a FAILED activity", { path: STAMP_LOGIN, activityStatus: "ACTIVITY_STATUS_FAILED" }, "REFRESH_SESSION_ERROR"],
  ["a REJECTED activity", { path: STAMP_LOGIN, activityStatus: "ACTIVITY_STATUS_REJECTED" }, "REFRESH_SESSION_ERROR"],
  ["an answer slower than the request timeout", { path: STAMP_LOGIN, delayMs: 4_000 }, "TIMEOUT"],
  ["an activity stuck in PENDING", { path: STAMP_LOGIN, pendingPolls: 1_000 }, "TIMEOUT"],
];

test("each API failure maps to its code and changes nothing stored", async ({ vault, standin, dappServer, openDapp }) => {
  test.setTimeout(120_000);
  // A short request timeout keeps the TIMEOUT cases quick (the product default is 30 s).
  const worker = await vault.workerHandle();
  await worker.evaluate(() => chrome.storage.local.set({ settings: { requestTimeoutMs: 1_500 } }));
  await vault.stopWorker();

  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin);
  const before = await vaultStorage(vault);

  for (const [label, fault, code] of cases) {
    standin.inject(fault);
    const outcome = await call(page, "refreshSession");
    expect(outcome.ok ? "resolved" : outcome.error.code, label).toBe(code);
    expect(await vaultStorage(vault), label).toEqual(before);
    expect((await value<{ token: string }>(page, "getSession")).token, label).toBe(first.session);
  }

  // Still usable: a refresh that has to poll a PENDING activity succeeds. Its polls are a second
  // apart, so it gets a request timeout that a busy machine cannot reach (the worker reads
  // settings when it starts).
  await (await vault.workerHandle()).evaluate(() => chrome.storage.local.set({ settings: { requestTimeoutMs: 10_000 } }));
  await vault.stopWorker();
  standin.inject({ path: STAMP_LOGIN, pendingPolls: 2 });
  const polled = await value<{ session: string }>(page, "refreshSession");
  expect(standin.requests({ path: "/public/v1/query/get_activity" }).length).toBeGreaterThanOrEqual(2);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(polled.session);
});

test("a session whose key Turnkey invalidated fails with SESSION_EXPIRED and stays stored", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const a = await login(page, standin, { sessionKey: "a" });
  await login(page, standin, { sessionKey: "b", organizationId: a.organizationId, userId: a.userId });
  await value(page, "refreshSession", { sessionKey: "b", invalidateExisting: true }); // Turnkey drops a's key

  const outcome = await call(page, "refreshSession", { sessionKey: "a" });
  expect(outcome.ok ? null : outcome.error).toMatchObject({ name: "TurnkeyError", code: "SESSION_EXPIRED" });
  expect((await value<Record<string, { token: string }>>(page, "getAllSessions")).a!.token).toBe(a.session);
});
