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

describe("stamp, sign and deleteKeyPair with a publicKey", () => {
  const key = "02" + "Ab".repeat(32);

  it("stamp takes a sessionKey or a publicKey (lowercased), never both", () => {
    expect(validate.stampArgs(["{}", { publicKey: key }])).toEqual({ payload: "{}", publicKey: key.toLowerCase() });
    expect(validate.stampArgs(["{}", { sessionKey: undefined, publicKey: key }])).toEqual({ payload: "{}", publicKey: key.toLowerCase() });
    expect(() => validate.stampArgs(["{}", { sessionKey: "k", publicKey: key }])).toThrow(validationError);
    expect(() => validate.stampArgs(["{}", { publicKey: "04" + "ab".repeat(32) }])).toThrow(validationError);
  });

  it("sign needs a publicKey; format is der (default) or raw", () => {
    expect(validate.signArgs(["{}", { publicKey: key }])).toEqual({ payload: "{}", publicKey: key.toLowerCase(), format: "der" });
    expect(validate.signArgs(["", { publicKey: key, format: "raw" }])).toEqual({ payload: "", publicKey: key.toLowerCase(), format: "raw" });
    const bad: unknown[][] = [
      [],
      ["{}"],
      ["{}", {}],
      ["{}", { publicKey: key, format: "DER" }],
      ["{}", { publicKey: key, format: "compact" }],
      ["{}", { publicKey: key, sessionKey: "k" }],
      ["{}", { publicKey: key }, {}],
      [{}, { publicKey: key }],
      ["x".repeat(validate.MAX_STAMP_PAYLOAD_LENGTH + 1), { publicKey: key }],
      ["{}", key],
    ];
    for (const args of bad) expect(() => validate.signArgs(args), JSON.stringify(args).slice(0, 80)).toThrow(validationError);
  });

  it("deleteKeyPair needs exactly { publicKey }", () => {
    expect(validate.deleteKeyPairArgs([{ publicKey: key }])).toBe(key.toLowerCase());
    for (const args of [[], [{}], [key], [{ publicKey: key, sessionKey: "k" }], [{ publicKey: 1 }], [{ publicKey: key }, {}], [null]]) {
      expect(() => validate.deleteKeyPairArgs(args), JSON.stringify(args)).toThrow(validationError);
    }
  });
});
