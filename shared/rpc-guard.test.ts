import { describe, expect, it } from "vitest";
import { fromOtherRealm } from "./other-realm.fixture.ts";
import { inspectCall } from "./rpc-guard.ts";

const METHODS = ["getSession", "stamp"];
const apply = (extra: Record<string, unknown> = {}) => ({ id: "1", type: "APPLY", path: ["getSession"], argumentList: [], ...extra });

describe("inspectCall", () => {
  it("lets an allow-listed APPLY through, rebuilt without extra fields", () => {
    const verdict = inspectCall({ ...apply({ argumentList: [{ type: "RAW", value: { sessionKey: "k" } }] }), extra: 1 }, METHODS);
    expect(verdict).toEqual({ ok: true, message: { id: "1", type: "APPLY", path: ["getSession"], argumentList: [{ type: "RAW", value: { sessionKey: "k" } }] } });
  });

  it.each([
    ["GET", apply({ type: "GET" })],
    ["SET", apply({ type: "SET", value: { type: "RAW", value: 1 } })],
    ["CONSTRUCT", apply({ type: "CONSTRUCT" })],
    ["ENDPOINT", apply({ type: "ENDPOINT" })],
    ["RELEASE", apply({ type: "RELEASE" })],
    ["an unknown method", apply({ path: ["clearEverything"] })],
    ["a nested path", apply({ path: ["getSession", "call"] })],
    ["__proto__ path", apply({ path: ["__proto__"] })],
    ["constructor path", apply({ path: ["constructor"] })],
    ["an empty path", apply({ path: [] })],
    ["a proxy handler argument", apply({ argumentList: [{ type: "HANDLER", name: "proxy", value: {} }] })],
    ["a throw handler argument", apply({ argumentList: [{ type: "HANDLER", name: "throw", value: {} }] })],
    ["a __proto__ key", apply({ argumentList: [{ type: "RAW", value: JSON.parse('{"__proto__":{"polluted":1}}') }] })],
    ["a Map", apply({ argumentList: [{ type: "RAW", value: new Map() }] })],
    ["a function", apply({ argumentList: [{ type: "RAW", value: () => 1 }] })],
    ["NaN", apply({ argumentList: [{ type: "RAW", value: Number.NaN }] })],
    ["too many arguments", apply({ argumentList: Array.from({ length: 5 }, () => ({ type: "RAW", value: 1 })) })],
    ["a huge string", apply({ argumentList: [{ type: "RAW", value: "x".repeat(3 << 20) }] })],
  ])("refuses %s with VALIDATION_ERROR, answering its id", (_label, message) => {
    const verdict = inspectCall(message, METHODS);
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ id: "1", error: { name: "TurnkeyError", code: "VALIDATION_ERROR" } });
  });

  it("refuses cyclic and deeply nested values without overflowing the stack", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(inspectCall(apply({ argumentList: [{ type: "RAW", value: cyclic }] }), METHODS).ok).toBe(false);
    expect(inspectCall(apply({ argumentList: [{ type: "RAW", value: deep }] }), METHODS).ok).toBe(false);
  });

  it("drops messages it cannot answer", () => {
    for (const junk of [null, 1, "x", [], {}, { id: 5, type: "APPLY" }, { id: "x".repeat(65), type: "APPLY" }]) {
      const verdict = inspectCall(junk, METHODS);
      expect(verdict.ok).toBe(false);
      expect("id" in verdict && verdict.id !== undefined).toBe(false);
    }
  });
});

describe("inspectCall, property-based", () => {
  it("never lets through anything but APPLY of an allowed method with plain copied arguments", async () => {
    const fc = (await import("fast-check")).default;
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true }), (data) => {
        const verdict = inspectCall(data, METHODS);
        if (!verdict.ok) return verdict.error.code === "VALIDATION_ERROR";
        const { message } = verdict;
        return message.type === "APPLY" && METHODS.includes(message.path[0]) && message.argumentList !== (data as { argumentList: unknown }).argumentList;
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("inspectCall with another realm's objects (Firefox: page data behind Xray wrappers)", () => {
  it("lets plain arguments made in the page's realm through, copied into this realm", () => {
    const data = fromOtherRealm(`{ id: "1", type: "APPLY", path: ["getSession"], argumentList: [{ type: "RAW", value: { sessionKey: "k", nested: { list: [1, "a"] } } }] }`);
    const verdict = inspectCall(data, METHODS);
    expect(verdict).toEqual({ ok: true, message: { id: "1", type: "APPLY", path: ["getSession"], argumentList: [{ type: "RAW", value: { sessionKey: "k", nested: { list: [1, "a"] } } }] } });
    const value = verdict.ok ? verdict.message.argumentList[0]!.value : undefined;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it.each([
    ["a Map", "new Map()"],
    ["a Date", "new Date()"],
    ["a class instance", "new (class Session {})()"],
  ])("still refuses %s", (_, source) => {
    const data = fromOtherRealm(`{ id: "1", type: "APPLY", path: ["getSession"], argumentList: [{ type: "RAW", value: ${source} }] }`);
    expect(inspectCall(data, METHODS)).toMatchObject({ ok: false, id: "1", error: { code: "VALIDATION_ERROR" } });
  });
});
