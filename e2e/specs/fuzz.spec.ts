/**
 * Property-based fuzzing of everything a hostile page can send (fast-check): wrong arguments to
 * every bridge method, and hand-made comlink and window messages. Every call must settle with a
 * `TurnkeyError` carrying a known code, storage must not change, the page's and the worker's
 * prototypes must stay untouched, and normal calls must keep working. `FUZZ_RUNS` scales it.
 */
import fc from "fast-check";
import type { Page } from "@playwright/test";
import { VAULT_METHODS } from "../../shared/protocol.ts";
import { expect, test } from "../support/fixtures.ts";
import { login, value, vaultStorage } from "../support/vault-calls.ts";
import { hostileComlinkMessage, hostileValue, invalidArguments, type HostileValue } from "../support/hostile-inputs.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const KNOWN_CODES = ["VALIDATION_ERROR", "INVALID_REQUEST", "NO_SESSION_FOUND", "SESSION_EXPIRED", "FORBIDDEN"];

test.beforeEach(({ standin }) => standin.reset());
test.describe.configure({ timeout: 180_000 });

/** Builds hostile values in the page from their descriptions (functions, cycles, DOM nodes…). */
const REVIVE = `(${((description: unknown): unknown => {
  const revive = (d: unknown): unknown => {
    if (Array.isArray(d)) return d.map(revive);
    if (d === null || typeof d !== "object") return d;
    const special = (d as { $?: string }).$;
    switch (special) {
      case "function": return () => 1;
      case "symbol": return Symbol("fuzz");
      case "bigint": return 10n ** 30n;
      case "nan": return Number.NaN;
      case "undefined": return undefined;
      case "map": return new Map([["sessionKey", "x"]]);
      case "date": return new Date(0);
      case "bytes": return new Uint8Array([1, 2, 3]);
      case "node": return document.createElement("div");
      case "cyclic": { const o: Record<string, unknown> = {}; o.self = o; return o; }
      case "throwing-getter": return Object.defineProperty({}, "sessionKey", { enumerable: true, get() { throw new Error("getter"); } });
      case "proto": return JSON.parse('{"__proto__": {"polluted": true}, "sessionKey": "x"}');
      case "huge": return "x".repeat(3 << 20);
      case "deep": { let v: unknown = 1; for (let i = 0; i < 5_000; i++) v = [v]; return v; }
      case undefined: return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, revive(v)]));
      default: return d;
    }
  };
  return revive(description);
}).toString()})`;

async function fuzzCalls(page: Page, calls: { method: string; args: HostileValue[] }[]) {
  return page.evaluate(
    async ([calls, reviveSource]) => {
      const revive = (0, eval)(reviveSource) as (d: unknown) => unknown;
      const vault = (window as unknown as { turnkeySession: Record<string, (...a: unknown[]) => Promise<unknown>> }).turnkeySession;
      const outcomes: { method: string; outcome: string; args: string }[] = [];
      for (const { method, args } of calls) {
        const settled = await Promise.race([
          vault[method]!(...(revive(args) as unknown[])).then(
            () => "resolved",
            (e: { name?: string; code?: string; message?: string }) =>
              e?.name === "TurnkeyError" && e.code !== "INTERNAL_ERROR" ? `TurnkeyError:${e.code}` : `other:${e?.code} ${e?.message}`,
          ),
          new Promise<string>((resolve) => setTimeout(() => resolve("hung"), 5_000)),
        ]);
        outcomes.push({ method, outcome: settled, args: JSON.stringify(args) });
      }
      return outcomes;
    },
    [calls, REVIVE] as const,
  );
}

test("fuzzed arguments to every method fail with a TurnkeyError and change nothing", async ({ vault, standin, dappServer, openDapp }, testInfo) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  await login(page, standin, { sessionKey: "a" });
  await login(page, standin, { sessionKey: "b" });
  const before = await vaultStorage(vault);

  const calls = fc.sample(
    fc.constantFrom(...VAULT_METHODS).chain((method) => invalidArguments(method).map((args) => ({ method, args }))),
    { numRuns: RUNS * VAULT_METHODS.length, seed: 42 },
  );
  const outcomes: { method: string; outcome: string; args: string }[] = [];
  for (let i = 0; i < calls.length; i += 100) outcomes.push(...(await fuzzCalls(page, calls.slice(i, i + 100))));

  const bad = outcomes.filter(({ outcome }) => !KNOWN_CODES.some((code) => outcome === `TurnkeyError:${code}`));
  expect(bad.slice(0, 5), `${bad.length} of ${outcomes.length} calls did not fail cleanly`).toEqual([]);
  expect(await vaultStorage(vault)).toEqual(before);
  expect(await page.evaluate(() => Object.keys(Object.prototype).length + ("polluted" in {} ? 1 : 0))).toBe(0);
  const worker = await vault.workerHandle();
  expect(await worker.evaluate(() => Object.keys(Object.prototype).length + ("polluted" in {} ? 1 : 0))).toBe(0);
  expect(await value(page, "getActiveSessionKey")).toBe("b");
  expect(await value(page, "refreshSession")).toMatchObject({ session: expect.any(String) });
  testInfo.annotations.push({ type: "fuzz", description: `${outcomes.length} fuzzed calls, all refused with a code` });
  console.log(`fuzz: ${outcomes.length} fuzzed method calls, ${bad.length} not refused cleanly`);
});

test("fuzzed comlink and window messages are refused or ignored; the vault keeps working", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const first = await login(page, standin);
  const before = await vaultStorage(vault);
  const messages = fc.sample(hostileComlinkMessage(), { numRuns: RUNS * 10, seed: 7 });
  const junk = fc.sample(hostileValue(), { numRuns: RUNS * 2, seed: 8 });

  const result = await page.evaluate(
    async ([messages, junk, reviveSource]) => {
      const revive = (0, eval)(reviveSource) as (d: unknown) => unknown;
      for (const message of junk) {
        try {
          window.postMessage(revive(message), "*");
        } catch {}
      }
      const { port1, port2 } = new MessageChannel();
      const replies: Record<string, unknown> = {};
      port1.onmessage = ({ data }) => {
        if (typeof data?.id === "string") replies[data.id] = data;
      };
      window.postMessage({ "turnkey-session-vault": "connect" }, "*", [port2]);
      let sent = 0;
      for (const message of messages) {
        try {
          port1.postMessage(revive(message));
          sent++;
        } catch {}
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { sent, replies: Object.values(replies) };
    },
    [messages, junk, REVIVE] as const,
  );

  // Every answer is a refusal with VALIDATION_ERROR, or (for a message that happened to be a
  // well-formed call of a read) its plain result.
  const readIds = new Set(
    messages
      .filter((m) => {
        const { type, path } = (m ?? {}) as { type?: unknown; path?: unknown };
        return type === "APPLY" && Array.isArray(path) && path.length === 1 && ["getSession", "getAllSessions", "getActiveSessionKey"].includes(path[0]);
      })
      .map((m) => (m as { id: unknown }).id),
  );
  for (const reply of result.replies as { id: string; type: string }[]) {
    if (reply.type === "RAW" && readIds.has(reply.id)) continue;
    expect(reply).toMatchObject({ type: "HANDLER", name: "throw", value: { value: { code: "VALIDATION_ERROR" } } });
  }
  expect(result.replies.length).toBeGreaterThan(0);
  expect(await vaultStorage(vault)).toEqual(before);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(first.session);
  console.log(`fuzz: ${result.sent} raw comlink messages (${result.replies.length} answered, all refused) and ${junk.length} window messages`);
});
