import * as Comlink from "comlink";
import { afterEach, describe, expect, it } from "vitest";
import { portEndpoint, type RuntimePort } from "../extension/port-endpoint.ts";
import { installTurnkeyErrorHandler, thrownReply } from "../shared/comlink-errors.ts";
import { TurnkeyError } from "../shared/errors.ts";
import { VAULT_METHODS, type VaultApi } from "../shared/protocol.ts";
import { guardEndpoint, type ApplyMessage } from "../shared/rpc-guard.ts";
import { CallRelay } from "./call-relay.ts";

const open: MessagePort[] = [];
afterEach(() => open.splice(0).forEach((port) => port.close()));
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A page connection: the bridge's end (served by `relay`) and what the page script at the other end receives. */
function pageConnection(relay: CallRelay) {
  const { port1: bridgeEnd, port2: pageEnd } = new MessageChannel();
  open.push(bridgeEnd, pageEnd);
  bridgeEnd.onmessage = ({ data }) => relay.fromPage(bridgeEnd, data);
  const received: Record<string, unknown>[] = [];
  pageEnd.onmessage = ({ data }) => received.push(data);
  return { pageEnd, received };
}

/** A background whose ports the test answers by hand: every call each connection was sent. */
function handAnsweredBackground() {
  const connections: ApplyMessage[][] = [];
  let current: ApplyMessage[] | undefined;
  return {
    connections,
    connect: () => (current ??= connections[connections.push([]) - 1]!),
    /** The worker stopped: the next call opens a new connection. */
    stop: () => (current = undefined),
  };
}

const call = (id: string, method: string, ...args: unknown[]) => ({ id, type: "APPLY", path: [method], argumentList: args.map((value) => ({ type: "RAW", value })) });

describe("CallRelay", () => {
  it("passes an allowed call on under its own id, rebuilt, and the reply back under the page's", async () => {
    const background = handAnsweredBackground();
    const relay = new CallRelay(() => ({ postMessage: (message) => background.connect().push(structuredClone(message)) }));
    const a = pageConnection(relay);
    const b = pageConnection(relay);
    // Two ports of one page may use the same id: each gets its own answer.
    a.pageEnd.postMessage({ ...call("same", "getSession", { sessionKey: "a" }), extra: "dropped" });
    b.pageEnd.postMessage(call("same", "stamp", "{}", { publicKey: "02ab" }));
    await settle();
    const [sent] = background.connections;
    expect(sent).toHaveLength(2);
    expect(sent![0]).toEqual({ id: expect.any(String), type: "APPLY", path: ["getSession"], argumentList: [{ type: "RAW", value: { sessionKey: "a" } }] });
    expect(sent![1]).toMatchObject({ path: ["stamp"], argumentList: [{ value: "{}" }, { value: { publicKey: "02ab" } }] });
    expect(sent![0]!.id).not.toBe(sent![1]!.id);

    relay.fromBackground({ id: sent![1]!.id, type: "RAW", value: { stampHeaderName: "X-Stamp", stampHeaderValue: "v" } });
    relay.fromBackground(thrownReply(sent![0]!.id, new TurnkeyError("No active session found: a", "NO_SESSION_FOUND")));
    relay.fromBackground({ id: sent![0]!.id, type: "RAW", value: "answered twice" }); // no call waits for it any more
    relay.fromBackground({ id: "unknown", type: "RAW", value: 1 });
    await settle();
    expect(a.received).toEqual([thrownReply("same", new TurnkeyError("No active session found: a", "NO_SESSION_FOUND"))]);
    expect(b.received).toEqual([{ id: "same", type: "RAW", value: { stampHeaderName: "X-Stamp", stampHeaderValue: "v" } }]);
  });

  it("answers refused messages that carry an id with VALIDATION_ERROR, drops the rest, and sends none of them on", async () => {
    const background = handAnsweredBackground();
    const relay = new CallRelay(() => ({ postMessage: (message) => background.connect().push(message) }));
    const page = pageConnection(relay);
    const refused = [
      { id: "get", type: "GET", path: ["stamp"] },
      call("unknown", "exportPrivateKey"),
      call("proto", "__proto__"),
      call("undefined-arg", "getSession", undefined),
      { ...call("handler-arg", "getSession"), argumentList: [{ type: "HANDLER", name: "proxy", value: {} }] },
      call("deep", "storeSession", JSON.parse('{"sessionToken":"t","__proto__":{"polluted":1}}')),
    ];
    for (const message of refused) page.pageEnd.postMessage(message);
    page.pageEnd.postMessage({ type: "APPLY", path: ["clearAllSessions"], argumentList: [] });
    page.pageEnd.postMessage({ channel: "stampers", types: ["passkey"] });
    page.pageEnd.postMessage("junk");
    await settle();
    // `undefined` is plain data: only the others are refused.
    const expected = refused.filter((m) => m.id !== "undefined-arg").map((m) => m.id);
    expect(page.received.map((r) => r.id)).toEqual(expected);
    for (const reply of page.received) expect(reply).toMatchObject({ type: "HANDLER", name: "throw", value: { isError: true, value: { name: "TurnkeyError", code: "VALIDATION_ERROR" } } });
    expect(background.connections.flat().map((m) => m.path[0])).toEqual(["getSession"]);
  });

  it("resends a call that changes nothing once when the worker stopped under it; fails the others with SERVICE_UNAVAILABLE", async () => {
    const background = handAnsweredBackground();
    const relay = new CallRelay(() => ({ postMessage: (message) => background.connect().push(message) }));
    const page = pageConnection(relay);
    page.pageEnd.postMessage(call("read", "getSession"));
    page.pageEnd.postMessage(call("write", "storeSession", { sessionToken: "t" }));
    page.pageEnd.postMessage(call("read-twice", "getActiveSessionKey"));
    await settle();
    const stopped = () => new TurnkeyError("The vault's worker stopped during the call", "SERVICE_UNAVAILABLE");
    background.stop();
    for (const message of background.connections[0]!) relay.fromBackground(thrownReply(message.id, stopped()));
    const resent = background.connections[1]!;
    expect(resent.map((m) => m.path[0])).toEqual(["getSession", "getActiveSessionKey"]);
    relay.fromBackground({ id: resent[0]!.id, type: "RAW", value: "session" });
    background.stop();
    relay.fromBackground(thrownReply(resent[1]!.id, stopped())); // a second stop: the call is not sent a third time
    await settle();
    expect(background.connections).toHaveLength(2);
    expect(Object.fromEntries(page.received.map((r) => [r.id, r.type === "RAW" ? r.value : (r.value as { value: { code: string } }).value.code]))).toEqual({
      read: "session",
      write: "SERVICE_UNAVAILABLE",
      "read-twice": "SERVICE_UNAVAILABLE",
    });
  });

  it("joins the page's Comlink.wrap to the background's guarded Comlink.expose over a runtime port", async () => {
    installTurnkeyErrorHandler();
    // A runtime port pair: JSON in between, as browsers send it.
    const listeners = { worker: [] as ((m: unknown) => void)[], bridge: [] as ((m: unknown) => void)[] };
    const side = (from: "worker" | "bridge", to: "worker" | "bridge"): RuntimePort => ({
      postMessage: (message) => setTimeout(() => listeners[to].forEach((l) => l(JSON.parse(JSON.stringify(message)))), 0),
      onMessage: { addListener: (l) => listeners[from].push(l) },
      onDisconnect: { addListener: () => {} },
    });
    const seen: unknown[][] = [];
    const api = Object.fromEntries(VAULT_METHODS.map((m) => [m, async (...args: unknown[]) => (seen.push([m, ...args]), m === "sign" ? Promise.reject(new TurnkeyError("publicKey is not a key pair of this origin", "INVALID_REQUEST")) : `${m} done`)]));
    Comlink.expose(api, guardEndpoint(portEndpoint(side("worker", "bridge")), VAULT_METHODS));
    const toWorker = portEndpoint(side("bridge", "worker"));
    const relay = new CallRelay(() => toWorker);
    toWorker.addEventListener("message", ((event: MessageEvent) => relay.fromBackground(event.data)) as EventListener);
    const { port1: bridgeEnd, port2: pageEnd } = new MessageChannel();
    open.push(bridgeEnd, pageEnd);
    bridgeEnd.onmessage = ({ data }) => relay.fromPage(bridgeEnd, data);
    const vault = Comlink.wrap<VaultApi>(pageEnd);

    await expect(vault.stamp("{}", { sessionKey: "k" })).resolves.toBe("stamp done");
    const failure = await vault.sign("x", { publicKey: "02" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TurnkeyError);
    expect(failure).toMatchObject({ code: "INVALID_REQUEST", message: "publicKey is not a key pair of this origin" });
    expect(seen).toEqual([["stamp", "{}", { sessionKey: "k" }], ["sign", "x", { publicKey: "02" }]]);
  });
});
