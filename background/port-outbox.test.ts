import { describe, expect, it } from "vitest";
import { portEndpoint, type RuntimePort } from "../extension/port-endpoint.ts";
import type { Envelope, VaultEvent } from "../shared/protocol.ts";
import { heldLater } from "./after-answer.fixture.ts";
import { PortOutbox } from "./port-outbox.ts";

const refreshed = { type: "sessionRefreshed", detail: { sessionKey: "k" } } as VaultEvent;
const cleared = { type: "sessionCleared", detail: { sessionKey: "other" } } as VaultEvent;
const reply = { id: "7", type: "RAW", value: "done" };

function setup() {
  const sent: unknown[] = [];
  let dead = false;
  const port: RuntimePort = {
    postMessage: (message) => {
      if (dead) throw new Error("Attempting to use a disconnected port object");
      sent.push(JSON.parse(JSON.stringify(message)));
    },
    onMessage: { addListener: () => {} },
    onDisconnect: { addListener: () => {} },
  };
  const later = heldLater();
  later.held = true;
  return { outbox: new PortOutbox(port, later.run), sent, later, kill: () => (dead = true) };
}

describe("PortOutbox", () => {
  it("sends the events of a task on the comlink reply sent in it, in one message", () => {
    const { outbox, sent, later } = setup();
    outbox.postMessage({ channel: "event", event: refreshed } satisfies Envelope);
    outbox.postMessage({ channel: "event", event: cleared } satisfies Envelope);
    expect(sent).toEqual([]);
    outbox.postMessage({ channel: "rpc", message: reply } satisfies Envelope);
    expect(sent).toEqual([{ channel: "rpc", message: reply, events: [refreshed, cleared] }]);
    later.flush(); // the end of the task: nothing is left to send
    expect(sent).toHaveLength(1);
  });

  it("sends the events on their own when the task ends without a reply", () => {
    const { outbox, sent, later } = setup();
    outbox.postMessage({ channel: "event", event: refreshed } satisfies Envelope);
    outbox.postMessage({ channel: "event", event: cleared } satisfies Envelope);
    later.flush();
    expect(sent).toEqual([
      { channel: "event", event: refreshed },
      { channel: "event", event: cleared },
    ]);
    outbox.postMessage({ channel: "rpc", message: reply } satisfies Envelope);
    expect(sent[2]).toEqual({ channel: "rpc", message: reply });
  });

  it("sends the held events before any other message, which goes as it is", () => {
    const { outbox, sent } = setup();
    const stampRequest = { channel: "stamp-request", requestId: "r1", stampWith: "passkey", payload: "{}" };
    outbox.postMessage({ channel: "event", event: refreshed } satisfies Envelope);
    outbox.postMessage(stampRequest);
    expect(sent).toEqual([{ channel: "event", event: refreshed }, stampRequest]);
  });

  it("drops the held events of a port that is gone, and throws for a message sent on it as the port does", () => {
    const { outbox, sent, later, kill } = setup();
    outbox.postMessage({ channel: "event", event: refreshed } satisfies Envelope);
    kill();
    expect(() => later.flush()).not.toThrow();
    expect(() => outbox.postMessage({ channel: "rpc", message: reply } satisfies Envelope)).toThrow(/disconnected/);
    expect(sent).toEqual([]);
  });

  it("reaches the content script's endpoint as the events, then the reply", () => {
    const listeners: ((message: unknown) => void)[] = [];
    const bridgeSide: RuntimePort = {
      postMessage: () => {},
      onMessage: { addListener: (listener) => listeners.push(listener) },
      onDisconnect: { addListener: () => {} },
    };
    const received: unknown[] = [];
    const endpoint = portEndpoint(bridgeSide);
    endpoint.onEvent((event) => received.push(["event", event.type]));
    endpoint.addEventListener("message", ((event: MessageEvent) => void received.push(["reply", event.data])) as EventListener);
    const later = heldLater();
    later.held = true;
    const toBridge: RuntimePort = { ...bridgeSide, postMessage: (message) => listeners.forEach((l) => l(JSON.parse(JSON.stringify(message)))) };
    const outbox = new PortOutbox(toBridge, later.run);

    outbox.postMessage({ channel: "event", event: refreshed } satisfies Envelope);
    outbox.postMessage({ channel: "rpc", message: reply } satisfies Envelope);
    expect(received).toEqual([["event", "sessionRefreshed"], ["reply", reply]]);
  });
});
