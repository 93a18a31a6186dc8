import { describe, expect, it } from "vitest";
import * as validate from "./validate.ts";

const validationError = expect.objectContaining({ name: "TurnkeyError", code: "VALIDATION_ERROR" });

describe("refreshSessionArgs", () => {
  it("fills Turnkey's defaults", () => {
    expect(validate.refreshSessionArgs([])).toEqual({ invalidateExisting: false, stampWith: "api-key" });
    expect(validate.refreshSessionArgs([undefined])).toEqual({ invalidateExisting: false, stampWith: "api-key" });
  });

  it("accepts both spellings of invalidateExisting", () => {
    expect(validate.refreshSessionArgs([{ invalidateExisitng: true }]).invalidateExisting).toBe(true);
    expect(validate.refreshSessionArgs([{ invalidateExisting: true }]).invalidateExisting).toBe(true);
    expect(() => validate.refreshSessionArgs([{ invalidateExisitng: true, invalidateExisting: false }])).toThrow(validationError);
  });

  it("takes expirationSeconds as digits or a whole number, up to a year", () => {
    expect(validate.refreshSessionArgs([{ expirationSeconds: "3600" }]).expirationSeconds).toBe("3600");
    expect(validate.refreshSessionArgs([{ expirationSeconds: 60 }]).expirationSeconds).toBe("60");
    expect(validate.refreshSessionArgs([{ expirationSeconds: "31536000" }]).expirationSeconds).toBe("31536000");
    for (const bad of ["0", "-5", "1.5", "1e3", " 60", "060", "31536001", 0, 1.5, -1, Number.NaN, true, {}, [], null]) {
      expect(() => validate.refreshSessionArgs([{ expirationSeconds: bad }]), String(bad)).toThrow(validationError);
    }
  });

  it("normalises publicKey to lowercase and refuses anything but a compressed P-256 key", () => {
    const key = "03" + "AB".repeat(32);
    expect(validate.refreshSessionArgs([{ publicKey: key }]).publicKey).toBe(key.toLowerCase());
    for (const bad of ["04" + "ab".repeat(32), "02" + "ab".repeat(31), "02" + "zz".repeat(32), 42]) {
      expect(() => validate.refreshSessionArgs([{ publicKey: bad }])).toThrow(validationError);
    }
  });

  it("refuses unknown parameters, wrong types and extra arguments", () => {
    for (const args of [[{ expirationSecond: "60" }], [{ stampWith: "ssh" }], [{ sessionKey: 7 }], [{ sessionKey: "" }], ["x"], [[]], [{}, {}], [null]]) {
      expect(() => validate.refreshSessionArgs(args), JSON.stringify(args)).toThrow(validationError);
    }
  });
});

describe("apiBaseUrl", () => {
  it("allows https anywhere and http only on this machine", () => {
    expect(validate.apiBaseUrl("https://api.turnkey.com")).toBe("https://api.turnkey.com");
    expect(validate.apiBaseUrl("https://api.turnkey.com/")).toBe("https://api.turnkey.com");
    expect(validate.apiBaseUrl("http://localhost:8787")).toBe("http://localhost:8787");
    expect(validate.apiBaseUrl("http://127.0.0.1:9/proxy/")).toBe("http://127.0.0.1:9/proxy");
    for (const bad of ["http://api.turnkey.com", "http://10.0.0.1", "ftp://x", "javascript:alert(1)", "https://u:p@x.com", "https://x.com/?q", "nope", 5]) {
      expect(() => validate.apiBaseUrl(bad), String(bad)).toThrow(validationError);
    }
  });
});

describe("storeSessionArgs and stampArgs", () => {
  it("defaults the session key", () => {
    expect(validate.storeSessionArgs([{ sessionToken: "t" }])).toEqual({ sessionToken: "t", sessionKey: "@turnkey/session/v3" });
  });

  it("refuses a missing token, a non-string payload and oversized payloads", () => {
    expect(() => validate.storeSessionArgs([])).toThrow(validationError);
    expect(() => validate.storeSessionArgs([{ sessionToken: 1 }])).toThrow(validationError);
    expect(() => validate.stampArgs([{}])).toThrow(validationError);
    expect(() => validate.stampArgs(["x".repeat(validate.MAX_STAMP_PAYLOAD_LENGTH + 1)])).toThrow(validationError);
    expect(validate.stampArgs(["{}", { sessionKey: "k" }])).toEqual({ payload: "{}", sessionKey: "k" });
  });
});

describe("page stamping messages", () => {
  it("stamperType takes passkey and wallet only", () => {
    expect(validate.stamperType("passkey", "registerStamper")).toBe("passkey");
    expect(validate.stamperType("wallet", "registerStamper")).toBe("wallet");
    for (const bad of ["api-key", "Passkey", "", undefined, 1, {}]) expect(() => validate.stamperType(bad, "registerStamper"), String(bad)).toThrow(validationError);
  });

  it("pageStamp requires the type's exact header and a bounded header-safe value", () => {
    const webauthn = '{"authenticatorData":"AQ","clientDataJson":"eyJ9","credentialId":"aWQ","signature":"MEU"}';
    expect(validate.pageStamp({ stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: webauthn }, "passkey")).toEqual({ stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: webauthn });
    expect(validate.pageStamp({ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9", extra: 1 }, "wallet")).toEqual({ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" });
    const bad: [unknown, "passkey" | "wallet"][] = [
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" }, "passkey"],
      [{ stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: "{}" }, "wallet"],
      [{ stampHeaderName: "x-stamp", stampHeaderValue: "eyJ9" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: " eyJ9" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9\r\nSet-Cookie: x" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "é" }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: "a".repeat(validate.MAX_STAMP_HEADER_VALUE_LENGTH + 1) }, "wallet"],
      [{ stampHeaderName: "X-Stamp", stampHeaderValue: 42 }, "wallet"],
      ["X-Stamp", "wallet"],
      [null, "passkey"],
    ];
    for (const [stamp, type] of bad) expect(() => validate.pageStamp(stamp, type), JSON.stringify(stamp)?.slice(0, 60)).toThrow(validationError);
  });

  it("stampRequest takes a string payload and a known type only", () => {
    const request = { channel: "stamp-request", requestId: "f00d-1", stampWith: "wallet", payload: "{}" };
    expect(validate.stampRequest({ ...request, extra: true })).toEqual(request);
    for (const bad of [{ ...request, payload: 1 }, { ...request, payload: ["{}"] }, { ...request, stampWith: "api-key" }, { ...request, requestId: "a b" }, { ...request, channel: "event" }, "x"]) {
      expect(validate.stampRequest(bad)).toBeUndefined();
    }
  });

  it("stampReply rebuilds a reply, answers a malformed outcome as invalid-stamp, and drops what answers nothing", () => {
    const stamp = { stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" };
    expect(validate.stampReply({ channel: "stamp-reply", requestId: "r1", outcome: { ok: true, stamp: { ...stamp, x: 1 } } })).toEqual({ requestId: "r1", outcome: { ok: true, stamp } });
    expect(validate.stampReply({ channel: "stamp-reply", requestId: "r1", outcome: { ok: false, reason: "user-canceled", message: "m".repeat(900) } })).toEqual({
      requestId: "r1",
      outcome: { ok: false, reason: "user-canceled", message: "m".repeat(validate.MAX_REFUSAL_MESSAGE_LENGTH) },
    });
    for (const outcome of [undefined, { ok: true }, { ok: false, reason: "other" }, { ok: 1 }]) {
      expect(validate.stampReply({ channel: "stamp-reply", requestId: "r1", outcome })?.outcome).toMatchObject({ ok: false, reason: "invalid-stamp" });
    }
    for (const bad of [{ channel: "stamp-reply", outcome: { ok: true, stamp } }, { channel: "stamp-request", requestId: "r1" }, null]) expect(validate.stampReply(bad)).toBeUndefined();
  });
});
