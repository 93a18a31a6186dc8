import { describe, expect, it } from "vitest";
import { fromOtherRealm } from "./other-realm.fixture.ts";
import * as stampMessages from "./stamp-messages.ts";

const validationError = expect.objectContaining({ name: "TurnkeyError", code: "VALIDATION_ERROR" });

describe("page stamping messages", () => {
  it("stamperType takes passkey and wallet only", () => {
    expect(stampMessages.stamperType("passkey", "registerStamper")).toBe("passkey");
    expect(stampMessages.stamperType("wallet", "registerStamper")).toBe("wallet");
    for (const bad of ["api-key", "Passkey", "", undefined, 1, {}]) expect(() => stampMessages.stamperType(bad, "registerStamper"), String(bad)).toThrow(validationError);
  });

  it("pageStamp requires the type's exact header and a bounded header-safe value", () => {
    const webauthn = '{"authenticatorData":"AQ","clientDataJson":"eyJ9","credentialId":"aWQ","signature":"MEU"}';
    expect(stampMessages.pageStamp({ stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: webauthn }, "passkey")).toEqual({ stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: webauthn });
    expect(stampMessages.pageStamp({ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9", extra: 1 }, "wallet")).toEqual({ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" });
    const bad: [unknown, "passkey" | "wallet"][] = [
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" }, "passkey"],
      [{ stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: "{}" }, "wallet"],
      [{ stampHeaderName: "x-stamp", stampHeaderValue: "eyJ9" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: " eyJ9" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9\r\nSet-Cookie: x" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "é" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "a".repeat(stampMessages.MAX_STAMP_HEADER_VALUE_LENGTH + 1) }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: 42 }, "wallet"],
      ["X-Stamp", "wallet"],
      [null, "passkey"],
    ];
    for (const [stamp, type] of bad) expect(() => stampMessages.pageStamp(stamp, type), JSON.stringify(stamp)?.slice(0, 60)).toThrow(validationError);
  });

  it("stampRequest takes a string payload and a known type only", () => {
    const request = { channel: "stamp-request", requestId: "f00d-1", stampWith: "wallet", payload: "{}" };
    expect(stampMessages.stampRequest({ ...request, extra: true })).toEqual(request);
    for (const bad of [{ ...request, payload: 1 }, { ...request, payload: ["{}"] }, { ...request, stampWith: "api-key" }, { ...request, requestId: "a b" }, { ...request, channel: "event" }, "x"]) {
      expect(stampMessages.stampRequest(bad)).toBeUndefined();
    }
  });

  it("stampReply rebuilds a reply, answers a malformed outcome as invalid-stamp, and drops what answers nothing", () => {
    const stamp = { stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" };
    expect(stampMessages.stampReply({ channel: "stamp-reply", requestId: "r1", outcome: { ok: true, stamp: { ...stamp, x: 1 } } })).toEqual({ requestId: "r1", outcome: { ok: true, stamp } });
    expect(stampMessages.stampReply({ channel: "stamp-reply", requestId: "r1", outcome: { ok: false, reason: "user-canceled", message: "m".repeat(900) } })).toEqual({
      requestId: "r1",
      outcome: { ok: false, reason: "user-canceled", message: "m".repeat(stampMessages.MAX_REFUSAL_MESSAGE_LENGTH) },
    });
    for (const outcome of [undefined, { ok: true }, { ok: false, reason: "other" }, { ok: 1 }]) {
      expect(stampMessages.stampReply({ channel: "stamp-reply", requestId: "r1", outcome })?.outcome).toMatchObject({ ok: false, reason: "invalid-stamp" });
    }
    for (const bad of [{ channel: "stamp-reply", outcome: { ok: true, stamp } }, { channel: "stamp-request", requestId: "r1" }, null]) expect(stampMessages.stampReply(bad)).toBeUndefined();
  });
});

describe("page stamping messages from another realm (Firefox: page data behind Xray wrappers)", () => {
  it("reads a page's stamp reply, request and stamp", () => {
    const reply = fromOtherRealm(`{ channel: "stamp-reply", requestId: "req-1", outcome: { ok: true, stamp: { stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" } } }`);
    expect(stampMessages.stampReply(reply)).toEqual({ requestId: "req-1", outcome: { ok: true, stamp: { stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" } } });
    const request = fromOtherRealm(`{ channel: "stamp-request", requestId: "req-1", stampWith: "wallet", payload: "{}" }`);
    expect(stampMessages.stampRequest(request)).toEqual({ channel: "stamp-request", requestId: "req-1", stampWith: "wallet", payload: "{}" });
    const stamp = fromOtherRealm(`{ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" }`);
    expect(stampMessages.pageStamp(stamp, "wallet")).toEqual({ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" });
  });
});
