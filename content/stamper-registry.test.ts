import { describe, expect, it } from "vitest";
import type { StampRequest } from "../shared/protocol.ts";
import { StamperRegistry } from "./stamper-registry.ts";

const request = (fields: Partial<StampRequest> = {}): StampRequest => ({
  channel: "stamp-request",
  requestId: "2f1c3a9e-0000-4000-8000-000000000001",
  stampWith: "passkey",
  payload: '{"organizationId":"org"}',
  ...fields,
});

const passkeyStamper = (seen: string[] = []) => ({
  stamp: async (payload: string) => {
    seen.push(payload);
    return { stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: `{"signed":${payload.length}}` };
  },
});

describe("StamperRegistry", () => {
  it("registers one stamper per type, replaces and unregisters it", () => {
    const registry = new StamperRegistry();
    expect(registry.register(["passkey", passkeyStamper()])).toEqual(["passkey"]);
    expect(registry.register(["wallet", passkeyStamper()])).toEqual(["passkey", "wallet"]);
    expect(registry.register(["passkey", passkeyStamper()])).toEqual(["passkey", "wallet"]);
    expect(registry.unregister(["passkey"])).toEqual(["wallet"]);
    expect(registry.unregister(["passkey"])).toEqual(["wallet"]);
  });

  it("refuses a wrong type or something that cannot stamp with VALIDATION_ERROR", () => {
    const registry = new StamperRegistry();
    const throwingGetter = Object.defineProperty({}, "stamp", { get: () => { throw new Error("no"); } });
    for (const args of [[], ["api-key", passkeyStamper()], ["PASSKEY", passkeyStamper()], ["passkey", {}], ["passkey", null], ["passkey", { stamp: "x" }], ["passkey", throwingGetter], ["passkey", passkeyStamper(), 1]]) {
      expect(() => registry.register(args), JSON.stringify(args)).toThrow(expect.objectContaining({ name: "TurnkeyError", code: "VALIDATION_ERROR" }));
    }
    expect(() => registry.unregister(["api-key"])).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
    expect(registry.types()).toEqual([]);
  });

  it("stamps exactly the payload asked for and answers with two strings", async () => {
    const registry = new StamperRegistry();
    const seen: string[] = [];
    registry.register(["passkey", passkeyStamper(seen)]);
    const reply = await registry.answer(request());
    expect(seen).toEqual(['{"organizationId":"org"}']);
    expect(reply).toEqual({
      channel: "stamp-reply",
      requestId: request().requestId,
      outcome: { ok: true, stamp: { stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: '{"signed":24}' } },
    });
  });

  it("says why there is no stamp: none registered, the user refused, or the stamper failed", async () => {
    const registry = new StamperRegistry();
    expect((await registry.answer(request()))?.outcome).toMatchObject({ ok: false, reason: "no-stamper" });
    registry.register(["passkey", { stamp: () => Promise.reject(new DOMException("dismissed", "NotAllowedError")) }]);
    expect((await registry.answer(request()))?.outcome).toEqual({ ok: false, reason: "user-canceled", message: "dismissed" });
    registry.register(["wallet", { stamp: () => Promise.reject(Object.assign(new Error("x".repeat(2000)), { code: -32603 })) }]);
    const failed = (await registry.answer(request({ stampWith: "wallet" })))?.outcome;
    expect(failed).toMatchObject({ ok: false, reason: "failed" });
    expect((failed as { message: string }).message).toHaveLength(500);
    registry.register(["wallet", { stamp: async () => ({ stampHeaderName: "X-Stamp", stampHeaderValue: { not: "a string" } }) }]);
    expect((await registry.answer(request({ stampWith: "wallet" })))?.outcome).toMatchObject({ ok: false, reason: "invalid-stamp" });
    registry.register(["wallet", { stamp: () => { throw new Error("synchronous"); } }]);
    expect((await registry.answer(request({ stampWith: "wallet" })))?.outcome).toMatchObject({ ok: false, reason: "failed", message: "synchronous" });
  });

  it("ignores anything that is not a well-formed stamp request, without calling a stamper", async () => {
    const registry = new StamperRegistry();
    const seen: string[] = [];
    registry.register(["passkey", passkeyStamper(seen)]);
    registry.register(["wallet", passkeyStamper(seen)]);
    const bad: unknown[] = [
      null,
      "stamp-request",
      { ...request(), channel: "stamp-reply" },
      { ...request(), payload: { toString: () => "{}" } },
      { ...request(), payload: 42 },
      { ...request(), payload: "x".repeat((1 << 20) + 1) },
      { ...request(), stampWith: "api-key" },
      { ...request(), requestId: "" },
      { ...request(), requestId: "a".repeat(65) },
      { ...request(), requestId: "<script>" },
      Object.assign(Object.create({ polluted: true }), request()),
    ];
    for (const message of bad) expect(await registry.answer(message)).toBeUndefined();
    expect(seen).toEqual([]);
  });
});
