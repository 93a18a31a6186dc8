import type { Runtime } from "webextension-polyfill";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../extension/memory-store.ts";
import { eventForOrigin } from "../shared/event-origin.ts";
import type { Envelope, VaultEvent } from "../shared/protocol.ts";
import { heldLater } from "./after-answer.fixture.ts";
import type { Later } from "./after-answer.ts";
import { EventHub, type FrameRef } from "./event-hub.ts";

const A = "https://a.example";
const B = "https://b.example";
const cleared: VaultEvent = { type: "sessionCleared", detail: { sessionKey: "k" } } as VaultEvent;

/** A page port as the background sees it; `documentId` is absent in Firefox 140. */
function pagePort(tabId: number, frameId: number, documentId?: string) {
  const received: unknown[] = [];
  const disconnectListeners: (() => void)[] = [];
  const port = {
    sender: { tab: { id: tabId }, frameId, ...(documentId ? { documentId } : {}) },
    postMessage: (message: unknown) => received.push(message),
    onDisconnect: { addListener: (listener: () => void) => disconnectListeners.push(listener) },
  };
  return { port: port as unknown as Runtime.Port, received, disconnect: () => disconnectListeners.forEach((l) => l()) };
}

function hub(store = memoryStore(), failing: (frame: FrameRef) => boolean = () => false, later?: Later) {
  const sent: { frame: FrameRef; envelope: Envelope }[] = [];
  const events = new EventHub({
    store,
    ...(later ? { later } : {}),
    sendToFrame: async (frame, envelope) => {
      if (failing(frame)) throw new Error("Could not establish connection. Receiving end does not exist.");
      sent.push({ frame, envelope });
    },
  });
  return { events, sent, store };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("EventHub", () => {
  it("delivers to a live port of the origin when the browser reports no documentId (Firefox 140)", async () => {
    const { events } = hub();
    const a = pagePort(1, 0);
    const b = pagePort(2, 0);
    events.attach(A, a.port);
    events.attach(B, b.port);
    await events.emit(A, cleared);
    expect(a.received).toEqual([{ channel: "event", event: cleared }]);
    expect(b.received).toEqual([]);
  });

  it("after a restart, reaches remembered frames by (tab, frame) with their origin named, and only that origin's", async () => {
    const store = memoryStore();
    const before = hub(store);
    before.events.attach(A, pagePort(1, 0).port);
    before.events.attach(A, pagePort(1, 7).port);
    before.events.attach(B, pagePort(2, 0).port);
    await settle();

    const after = hub(store); // a new background: no ports, the frames from storage.session
    await after.events.emit(A, cleared);
    expect(after.sent.map((s) => [s.frame.tabId, s.frame.frameId, s.frame.documentId])).toEqual([[1, 0, undefined], [1, 7, undefined]]);
    expect(after.sent.map((s) => s.envelope)).toEqual([{ channel: "event", event: cleared, origin: A }, { channel: "event", event: cleared, origin: A }]);
  });

  it("targets the exact document where the browser reports one (Chrome, Firefox 153)", async () => {
    const store = memoryStore();
    hub(store).events.attach(A, pagePort(1, 0, "doc-1").port);
    await settle();
    const after = hub(store);
    await after.events.emit(A, cleared);
    expect(after.sent.map((s) => s.frame)).toEqual([{ origin: A, tabId: 1, frameId: 0, documentId: "doc-1" }]);
  });

  it("a frame slot reused by a new document of another origin is remembered for that origin only", async () => {
    const store = memoryStore();
    const first = hub(store);
    first.events.attach(A, pagePort(1, 0).port);
    first.events.attach(B, pagePort(1, 0).port); // the tab navigated from A to B
    await settle();
    const after = hub(store);
    await after.events.emit(A, cleared);
    expect(after.sent).toEqual([]);
  });

  it("posts to live ports at once (the caller hears the event before its answer), to remembered frames after the answer", async () => {
    const store = memoryStore();
    hub(store).events.attach(A, pagePort(1, 0, "doc-1").port);
    await settle();
    const later = heldLater();
    later.held = true;
    const after = hub(store, undefined, later.run);
    const live = pagePort(2, 0, "doc-2");
    after.events.attach(A, live.port);
    const done = after.events.emit(A, cleared);
    expect(live.received).toEqual([{ channel: "event", event: cleared }]);
    await settle();
    expect(after.sent).toEqual([]);
    later.flush();
    await done;
    expect(after.sent.map((s) => s.frame.documentId)).toEqual(["doc-1"]);
  });

  it("does not send twice to a frame its live port reached, and forgets frames that no longer answer", async () => {
    const store = memoryStore();
    const first = hub(store);
    first.events.attach(A, pagePort(1, 0).port);
    first.events.attach(A, pagePort(3, 0).port);
    await settle();
    const after = hub(store, (frame) => frame.tabId === 3);
    const live = pagePort(1, 0);
    after.events.attach(A, live.port);
    await after.events.emit(A, cleared);
    expect(live.received).toHaveLength(1);
    expect(after.sent).toEqual([]);
    await settle();
    expect(Object.values((await store.get("frames")) as Record<string, FrameRef>).map((f) => f.tabId)).toEqual([1]);
  });
});

describe("eventForOrigin (the bridge's check)", () => {
  it("takes an event addressed to the frame's own origin only", () => {
    expect(eventForOrigin({ channel: "event", event: cleared, origin: A }, A)).toEqual(cleared);
    expect(eventForOrigin({ channel: "event", event: cleared, origin: A }, B)).toBeUndefined();
    expect(eventForOrigin({ channel: "event", event: cleared }, A)).toBeUndefined();
    expect(eventForOrigin({ channel: "changed" }, A)).toBeUndefined();
    expect(eventForOrigin(null, A)).toBeUndefined();
  });
});
