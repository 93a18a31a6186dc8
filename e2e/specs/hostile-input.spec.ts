/**
 * Bad input from a page: wrong-typed arguments, values that cannot be sent, and raw comlink
 * traffic written by hand over the bridge's own handshake. Each gets a `TurnkeyError` with a
 * code (or, with no id to answer, nothing), nothing stored changes, and normal calls keep working.
 */
import { expect, test } from "../support/fixtures.ts";
import { call, login, value, vaultStorage } from "../support/vault-calls.ts";

test.beforeEach(({ standin }) => standin.reset());

const badCalls: [string, unknown[]][] = [
  ["storeSession", []],
  ["storeSession", [{ sessionToken: 42 }]],
  ["storeSession", [{ sessionToken: "not.a.jwt" }]],
  ["storeSession", [{ sessionToken: "a.b.c", apiBaseUrl: "http://evil.example" }]],
  ["refreshSession", [{ expirationSeconds: -1 }]],
  ["refreshSession", [{ expirationSeconds: "99999999999" }]],
  ["refreshSession", [{ invalidateExisting: "yes" }]],
  ["refreshSession", ["@turnkey/session/v3"]],
  ["refreshSession", [{ sessionKey: { toString: null } }]],
  ["getSession", [{ sessionKey: 1 }]],
  ["getSession", [{ unexpected: true }]],
  ["setActiveSession", [{}]],
  ["clearSession", [[]]],
  ["stamp", [{ not: "a string" }]],
  ["stamp", ["{}", { sessionKey: 5 }]],
  ["stamp", ["{}", { sessionKey: "@turnkey/session/v3", publicKey: "02" + "ab".repeat(32) }]],
  ["stamp", ["{}", { publicKey: "04" + "ab".repeat(32) }]],
  ["sign", ["{}"]],
  ["sign", ["{}", { publicKey: 42 }]],
  ["sign", ["{}", { publicKey: "02" + "ab".repeat(32), format: "p1363" }]],
  ["sign", [{ toString: null }, { publicKey: "02" + "ab".repeat(32) }]],
  ["deleteKeyPair", []],
  ["deleteKeyPair", [{ publicKey: "02" + "ab".repeat(31) }]],
  ["deleteKeyPair", [{ sessionKey: "@turnkey/session/v3" }]],
  ["createApiKeyPair", ["extra"]],
  ["getAllSessions", [null]],
];

test("wrong-typed arguments fail with VALIDATION_ERROR and change nothing", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin);
  const before = await vaultStorage(vault);
  for (const [method, args] of badCalls) {
    const outcome = await call(page, method, ...args);
    expect(outcome.ok ? "resolved" : outcome.error, `${method}(${JSON.stringify(args)})`).toMatchObject({ name: "TurnkeyError", code: "VALIDATION_ERROR", isError: true });
  }
  expect(await vaultStorage(vault)).toEqual(before);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(first.session);
});

test("values that cannot cross the bridge fail with VALIDATION_ERROR", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const codes = await page.evaluate(async () => {
    const vault = (window as unknown as { turnkeySession: Record<string, (...a: unknown[]) => Promise<unknown>> }).turnkeySession;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const attempts: [string, unknown[]][] = [
      ["getSession", [{ sessionKey: () => "x" }]],
      ["getSession", [document.body]],
      ["getSession", [Symbol("x")]],
      ["getSession", [cyclic]],
      ["getSession", [new Map([["sessionKey", "x"]])]],
      ["stamp", ["x".repeat(3 << 20)]],
      ["sign", ["x".repeat(3 << 20), { publicKey: "02" + "ab".repeat(32) }]],
      ["deleteKeyPair", [{ publicKey: () => "02" }]],
      ["getSession", [JSON.parse('{"__proto__": {"polluted": true}}')]],
    ];
    const out: (string | undefined)[] = [];
    for (const [method, args] of attempts) out.push(await vault[method]!(...args).then(() => "resolved", (e: { code?: string }) => e.code));
    return out;
  });
  expect(codes).toEqual(Array(9).fill("VALIDATION_ERROR"));
  expect(await value(page, "getActiveSessionKey")).toBeUndefined();
});

test("hand-written comlink messages are refused; junk is ignored; the vault keeps working", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin);
  const before = await vaultStorage(vault);

  const replies = await page.evaluate(async () => {
    // Junk on window first: none of it may disturb the bridge.
    for (const junk of [null, 1, "connect", { "turnkey-session-vault": "connect" }, { "turnkey-session-vault": "bridge-ready" }, { channel: "event", event: { type: "sessionCleared" } }]) {
      window.postMessage(junk, "*");
    }
    // Then our own connection through the bridge's handshake, speaking raw comlink.
    const { port1, port2 } = new MessageChannel();
    const answers = new Map<string, unknown>();
    port1.onmessage = ({ data }) => data?.id && answers.set(data.id, data);
    window.postMessage({ "turnkey-session-vault": "connect" }, "*", [port2]);
    const { port1: spare } = new MessageChannel();
    const messages: unknown[] = [
      { id: "get", type: "GET", path: [] },
      { id: "get-deep", type: "GET", path: ["createApiKeyPair", "constructor"] },
      { id: "set", type: "SET", path: ["stamp"], value: { type: "RAW", value: 1 } },
      { id: "construct", type: "CONSTRUCT", path: ["stamp"], argumentList: [] },
      { id: "endpoint", type: "ENDPOINT" },
      { id: "release", type: "RELEASE", path: [] },
      { id: "proto", type: "APPLY", path: ["__proto__"], argumentList: [] },
      { id: "constructor", type: "APPLY", path: ["constructor"], argumentList: [] },
      { id: "unknown", type: "APPLY", path: ["exportPrivateKey"], argumentList: [] },
      { id: "proxy-arg", type: "APPLY", path: ["getSession"], argumentList: [{ type: "HANDLER", name: "proxy", value: spare }] },
      { id: "throw-arg", type: "APPLY", path: ["getSession"], argumentList: [{ type: "HANDLER", name: "throw", value: {} }] },
      { id: "weird-arg", type: "APPLY", path: ["getSession"], argumentList: "nope" },
      { type: "APPLY", path: ["clearAllSessions"], argumentList: [] },
      "junk",
      42,
      { id: "ok", type: "APPLY", path: ["getActiveSessionKey"], argumentList: [] },
    ];
    for (const message of messages) port1.postMessage(message, (message as { id?: string })?.id === "proxy-arg" ? [spare] : []);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {
      answers: Object.fromEntries(answers),
      polluted: ({} as Record<string, unknown>).polluted,
      prototypeIntact: typeof Object.prototype.toString === "function" && Object.getPrototypeOf([]) === Array.prototype,
    };
  });

  const refused = ["get", "get-deep", "set", "construct", "endpoint", "release", "proto", "constructor", "unknown", "proxy-arg", "throw-arg", "weird-arg"];
  for (const id of refused) {
    expect(replies.answers[id], id).toMatchObject({ type: "HANDLER", name: "throw", value: { isError: true, value: { name: "TurnkeyError", code: "VALIDATION_ERROR" } } });
  }
  // Messages without an id cannot be answered, and are dropped.
  expect(Object.keys(replies.answers).sort()).toEqual([...refused, "ok"].sort());
  expect(replies.answers.ok).toMatchObject({ type: "RAW", value: "@turnkey/session/v3" });
  expect(replies.polluted).toBeUndefined();
  expect(replies.prototypeIntact).toBe(true);

  // Nothing changed (the id-less clearAllSessions did not run), and the provider still works.
  expect(await vaultStorage(vault)).toEqual(before);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(first.session);
  expect(await value(page, "refreshSession")).toMatchObject({ session: expect.any(String) });
});

test("the provider cannot be replaced or extended by the page", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const result = await page.evaluate(() => {
    const original = (window as unknown as { turnkeySession: object }).turnkeySession;
    try {
      (window as unknown as { turnkeySession: unknown }).turnkeySession = {};
    } catch {}
    try {
      (original as Record<string, unknown>).stamp = () => "hijacked";
    } catch {}
    return {
      same: (window as unknown as { turnkeySession: object }).turnkeySession === original,
      frozen: Object.isFrozen(original),
      stampIsOurs: typeof (original as Record<string, unknown>).stamp === "function" && String((original as Record<string, unknown>).stamp) !== '() => "hijacked"',
    };
  });
  expect(result).toEqual({ same: true, frozen: true, stampIsOurs: true });
});
