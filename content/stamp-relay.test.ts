import { afterEach, describe, expect, it } from "vitest";
import type { StampReply, StampRequest } from "../shared/protocol.ts";
import { fromOtherRealm } from "../shared/other-realm.fixture.ts";
import { StampRelay } from "./stamp-relay.ts";

const request: StampRequest = { channel: "stamp-request", requestId: "req-1", stampWith: "passkey", payload: "{}" };
const stamp = { stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: "{}" };

const open: MessagePort[] = [];
/** A page port as the bridge holds it, and what the page script at its other end receives. */
function pagePort() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const received: unknown[] = [];
  port2.onmessage = ({ data }) => received.push(data);
  return { port: port1, received };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
afterEach(() => open.splice(0).forEach((port) => port.close()));

describe("StampRelay", () => {
  it("sends a request to the port that announced a stamper of its type, and its reply back", async () => {
    const relay = new StampRelay();
    const toBackground: StampReply[] = [];
    const stamper = pagePort();
    const other = pagePort();
    relay.fromPage(stamper.port, { channel: "stampers", types: ["passkey"] }, (r) => toBackground.push(r));
    relay.fromBackground(request, (r) => toBackground.push(r));
    await settle();
    expect(stamper.received).toEqual([request]);
    expect(other.received).toEqual([]);

    relay.fromPage(stamper.port, { channel: "stamp-reply", requestId: "req-1", outcome: { ok: true, stamp: { ...stamp, extra: 1 } }, junk: true }, (r) => toBackground.push(r));
    expect(toBackground).toEqual([{ channel: "stamp-reply", requestId: "req-1", outcome: { ok: true, stamp } }]);
  });

  it("answers no-stamper itself when no port announced that type, or it was withdrawn", async () => {
    const relay = new StampRelay();
    const toBackground: StampReply[] = [];
    const page = pagePort();
    relay.fromBackground(request, (r) => toBackground.push(r));
    relay.fromPage(page.port, { channel: "stampers", types: ["passkey", "wallet"] }, () => {});
    relay.fromPage(page.port, { channel: "stampers", types: ["wallet"] }, () => {});
    relay.fromBackground({ ...request, requestId: "req-2" }, (r) => toBackground.push(r));
    relay.fromBackground({ ...request, requestId: "req-3", stampWith: "wallet" }, (r) => toBackground.push(r));
    relay.forget(page.port);
    relay.fromBackground({ ...request, requestId: "req-4", stampWith: "wallet" }, (r) => toBackground.push(r));
    await settle();
    expect(toBackground.map((r) => [r.requestId, r.outcome.ok ? "stamp" : r.outcome.reason])).toEqual([
      ["req-1", "no-stamper"],
      ["req-2", "no-stamper"],
      ["req-4", "no-stamper"],
    ]);
    expect(page.received).toEqual([{ ...request, requestId: "req-3", stampWith: "wallet" }]);
  });

  it("answers a malformed outcome as no valid stamp, rather than leaving its request waiting", () => {
    const relay = new StampRelay();
    const toBackground: StampReply[] = [];
    const stamper = pagePort();
    relay.fromPage(stamper.port, { channel: "stampers", types: ["wallet"] }, () => {});
    for (const outcome of [
      { ok: true, stamp: { stampHeaderName: 1, stampHeaderValue: "x" } },
      { ok: true, stamp: { stampHeaderName: "X-Stamp", stampHeaderValue: "x".repeat(16 * 1024 + 1) } },
      { ok: false, reason: "exploded" },
      "nope",
    ]) {
      relay.fromPage(stamper.port, { channel: "stamp-reply", requestId: "req-1", outcome }, (r) => toBackground.push(r));
    }
    expect(toBackground.map((r) => (r.outcome.ok ? "stamp" : r.outcome.reason))).toEqual(Array(4).fill("invalid-stamp"));
  });

  it("drops malformed requests and replies, and replies from ports that hold no stamper", async () => {
    const relay = new StampRelay();
    const toBackground: StampReply[] = [];
    const stamper = pagePort();
    const stranger = pagePort();
    relay.fromPage(stamper.port, { channel: "stampers", types: ["passkey"] }, () => {});
    for (const bad of [null, { ...request, payload: 1 }, { ...request, stampWith: "api-key" }, { channel: "event" }]) relay.fromBackground(bad, (r) => toBackground.push(r));
    relay.fromPage(stranger.port, { channel: "stamp-reply", requestId: "req-1", outcome: { ok: true, stamp } }, (r) => toBackground.push(r));
    for (const bad of [
      { channel: "stamp-reply", requestId: { id: 1 }, outcome: { ok: true, stamp } },
      { channel: "stamp-reply", requestId: "", outcome: { ok: true, stamp } },
      { channel: "stampers", types: "passkey" },
    ]) {
      relay.fromPage(stamper.port, bad, (r) => toBackground.push(r));
    }
    await settle();
    expect(toBackground).toEqual([]);
    expect(stamper.received).toEqual([]);
  });

  it("relays a stamper announcement and reply made in the page's realm (Firefox: Xray-wrapped page objects)", () => {
    const relay = new StampRelay();
    const toBackground: StampReply[] = [];
    const stamper = pagePort();
    relay.fromPage(stamper.port, fromOtherRealm(`{ channel: "stampers", types: ["wallet"] }`), () => {});
    const reply = fromOtherRealm(`{ channel: "stamp-reply", requestId: "req-1", outcome: { ok: true, stamp: { stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" } } }`);
    relay.fromPage(stamper.port, reply, (r) => toBackground.push(r));
    expect(toBackground).toEqual([{ channel: "stamp-reply", requestId: "req-1", outcome: { ok: true, stamp: { stampHeaderName: "X-Stamp", stampHeaderValue: "eyJ9" } } }]);
  });
});
