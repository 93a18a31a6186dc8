import { afterEach, describe, expect, it, vi } from "vitest";
import type { StampRequest } from "../shared/protocol.ts";
import type { RuntimePort } from "../extension/port-endpoint.ts";
import { frameStamper, PAGE_STAMP_TIMEOUT_MS } from "./frame-stamper.ts";

/** A runtime port to one frame: records what the background sends, lets the test answer or close it. */
function fakePort() {
  const sent: StampRequest[] = [];
  const onMessage: ((message: unknown) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  let closed = false;
  const port: RuntimePort = {
    postMessage: (message) => {
      if (closed) throw new Error("Attempting to use a disconnected port object");
      sent.push(message as StampRequest);
    },
    onMessage: { addListener: (listener) => void onMessage.push(listener) },
    onDisconnect: { addListener: (listener) => void onDisconnect.push(listener) },
  };
  return {
    port,
    sent,
    answer: (message: unknown) => onMessage.forEach((listener) => listener(message)),
    close: () => {
      closed = true;
      onDisconnect.forEach((listener) => listener());
    },
  };
}

const passkeyStamp = { stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: '{"credentialId":"abc"}' };
const walletStamp = { stampHeaderName: "X-Stamp", stampHeaderValue: "eyJwdWJsaWNLZXkiOiIwMiJ9" };
const reply = (requestId: string, outcome: unknown) => ({ channel: "stamp-reply", requestId, outcome });

afterEach(() => vi.useRealTimers());

describe("frameStamper", () => {
  it("asks its own port to stamp exactly the payload and resolves with the checked stamp", async () => {
    const frame = fakePort();
    const stamper = frameStamper(frame.port);
    const stamped = stamper.stamp("passkey", '{"organizationId":"org"}');
    expect(frame.sent).toEqual([{ channel: "stamp-request", requestId: expect.any(String), stampWith: "passkey", payload: '{"organizationId":"org"}' }]);
    frame.answer(reply(frame.sent[0]!.requestId, { ok: true, stamp: passkeyStamp }));
    await expect(stamped).resolves.toEqual(passkeyStamp);

    const wallet = stamper.stamp("wallet", "{}");
    frame.answer(reply(frame.sent[1]!.requestId, { ok: true, stamp: walletStamp }));
    await expect(wallet).resolves.toEqual(walletStamp);
  });

  it("refuses a stamp with the other type's header, or a value that is no header value", async () => {
    const frame = fakePort();
    const stamper = frameStamper(frame.port);
    const cases: [string, object][] = [
      ["passkey", walletStamp],
      ["wallet", passkeyStamp],
      ["passkey", { stampHeaderName: "x-stamp-webauthn", stampHeaderValue: "{}" }],
      ["wallet", { stampHeaderName: "X-Stamp", stampHeaderValue: "a\r\nX-Evil: 1" }],
      ["wallet", { stampHeaderName: "X-Stamp", stampHeaderValue: "" }],
      ["wallet", { stampHeaderName: "X-Stamp", stampHeaderValue: "a".repeat(16 * 1024 + 1) }],
    ];
    for (const [type, stamp] of cases) {
      const stamped = stamper.stamp(type as "passkey" | "wallet", "{}");
      frame.answer(reply(frame.sent.at(-1)!.requestId, { ok: true, stamp }));
      await expect(stamped, JSON.stringify(stamp).slice(0, 80)).rejects.toMatchObject({ name: "TurnkeyError", code: "VALIDATION_ERROR" });
    }
  });

  it("maps the page's refusals to the contract's codes", async () => {
    const frame = fakePort();
    const stamper = frameStamper(frame.port);
    const cases = [
      ["no-stamper", "INVALID_CONFIGURATION"],
      ["user-canceled", "USER_CANCELED"],
      ["failed", "REFRESH_SESSION_ERROR"],
      ["invalid-stamp", "VALIDATION_ERROR"],
    ] as const;
    for (const [reason, code] of cases) {
      const stamped = stamper.stamp("wallet", "{}");
      frame.answer(reply(frame.sent.at(-1)!.requestId, { ok: false, reason, message: "said the page" }));
      await expect(stamped).rejects.toMatchObject({ code });
    }
  });

  it("takes a malformed outcome as no valid stamp", async () => {
    const frame = fakePort();
    const stamped = frameStamper(frame.port).stamp("passkey", "{}");
    frame.answer(reply(frame.sent[0]!.requestId, { ok: "yes" }));
    await expect(stamped).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it("ignores replies to requests it did not send, and late or repeated replies", async () => {
    const frame = fakePort();
    const stamper = frameStamper(frame.port);
    const stamped = stamper.stamp("passkey", "{}");
    const { requestId } = frame.sent[0]!;
    frame.answer(reply("someone-else", { ok: false, reason: "failed", message: "" }));
    frame.answer({ channel: "rpc", message: { id: requestId } });
    frame.answer(reply(requestId, { ok: true, stamp: passkeyStamp }));
    frame.answer(reply(requestId, { ok: false, reason: "failed", message: "too late" }));
    await expect(stamped).resolves.toEqual(passkeyStamp);
  });

  it("fails with TIMEOUT when the page never answers, and forgets the request", async () => {
    vi.useFakeTimers();
    const frame = fakePort();
    const stamped = frameStamper(frame.port).stamp("passkey", "{}");
    const outcome = expect(stamped).rejects.toMatchObject({ code: "TIMEOUT", message: expect.stringContaining("360 s") });
    await vi.advanceTimersByTimeAsync(PAGE_STAMP_TIMEOUT_MS);
    await outcome;
    frame.answer(reply(frame.sent[0]!.requestId, { ok: true, stamp: passkeyStamp })); // too late: ignored
  });

  it("fails every request in flight when the frame's port closes, and any later one at once", async () => {
    const frame = fakePort();
    const stamper = frameStamper(frame.port, { timeoutMs: 60_000 });
    const first = stamper.stamp("passkey", "{}");
    const second = stamper.stamp("wallet", "{}");
    frame.close();
    await expect(first).rejects.toMatchObject({ code: "REFRESH_SESSION_ERROR", message: expect.stringContaining("tab closed") });
    await expect(second).rejects.toMatchObject({ code: "REFRESH_SESSION_ERROR" });
    await expect(stamper.stamp("passkey", "{}")).rejects.toMatchObject({ code: "REFRESH_SESSION_ERROR" });
  });

  it("names each frame's connection apart", () => {
    expect(frameStamper(fakePort().port).frame).not.toBe(frameStamper(fakePort().port).frame);
  });
});
