/**
 * The content script's forwarding (isolated world), started on a frame's first page connection:
 * bridge.iife.ts keeps only the handshake listener, so that pages that never use the vault do
 * not pay for setting up comlink, the rpc guard or the stamp relay. The build bundles it with its
 * imports into one function (build/lazy-content.ts → content/lazy/bridge-forwarder.js), so that
 * none of their top-level statements run either.
 *
 * The page side is a comlink `expose` of a forwarder behind `guardEndpoint`, so only
 * allow-listed method calls with plain-data arguments get through; the background side is a
 * comlink `wrap` of a runtime port, opened with the first page connection and reopened on the
 * next call after the worker restarted. Calls that change nothing are resent once if the
 * worker stopped under them; others fail with `SERVICE_UNAVAILABLE` rather than risk running twice.
 * Beside comlink, stamp requests from the background and the page's replies pass through
 * `StampRelay` (page stamping for `stampWith: "passkey" | "wallet"`).
 *
 * It runs in every page that uses the vault, so it calls `chrome.runtime` directly:
 * webextension-polyfill would be a third of its size for the two calls it makes (Firefox has
 * `chrome.runtime` too).
 */
import * as Comlink from "comlink";
import { portEndpoint, type PortEndpoint } from "../extension/port-endpoint.ts";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { TurnkeyError } from "../shared/errors.ts";
import { eventForOrigin } from "../shared/event-origin.ts";
import { IDEMPOTENT_METHODS, PORT_NAMES, VAULT_METHODS, type Envelope, type StampReply, type VaultApi, type VaultMethod } from "../shared/protocol.ts";
import { guardEndpoint } from "../shared/rpc-guard.ts";
import { StampRelay } from "./stamp-relay.ts";

/** A frame may hold a few page connections (a re-sent handshake, or junk from the page itself). */
const MAX_PAGE_PORTS = 8;
type RemoteMethods = Record<VaultMethod, (...args: unknown[]) => Promise<unknown>>;

/** A stamp reply goes back over the runtime port the request came on (a dead one drops it: its request died with it). */
function toBackground(port: chrome.runtime.Port, reply: StampReply): void {
  try {
    port.postMessage(reply);
  } catch {
    // the worker stopped: the refresh that asked is gone
  }
}

/**
 * Starts this frame's forwarding; resolves the function that serves each page connection (the
 * port of a `connect` handshake). Everything is set up here, on the first connection, and not
 * when the module is evaluated at `document_start`.
 */
export function startForwarder(): (port: MessagePort) => void {
  installTurnkeyErrorHandler();
  const pagePorts: MessagePort[] = [];
  let background: { port: chrome.runtime.Port; endpoint: PortEndpoint; methods: RemoteMethods } | undefined;
  const stamps = new StampRelay();

  const toPage = (envelope: Envelope) => {
    for (const port of pagePorts) port.postMessage(envelope);
  };

  const vault = (): RemoteMethods => {
    if (!background || background.endpoint.closed) {
      const port = chrome.runtime.connect({ name: PORT_NAMES.page });
      const endpoint = portEndpoint(port);
      endpoint.onEvent((event) => toPage({ channel: "event", event }));
      port.onMessage.addListener((message: unknown) => stamps.fromBackground(message, (reply) => toBackground(port, reply)));
      const remote = Comlink.wrap<VaultApi>(endpoint);
      // comlink builds a Proxy (and a finalizer entry) on every property read: read each method once.
      const methods = Object.fromEntries(VAULT_METHODS.map((method) => [method, remote[method]])) as unknown as RemoteMethods;
      background = { port, endpoint, methods };
    }
    return background.methods;
  };

  /** A page's reply goes to the background's current port; a worker that restarted meanwhile ignores it. */
  const replyFromPage = (reply: StampReply) => {
    if (background && !background.endpoint.closed) toBackground(background.port, reply);
  };

  const forward = async (method: VaultMethod, args: unknown[]): Promise<unknown> => {
    const call = () => vault()[method](...args);
    try {
      return await call();
    } catch (error) {
      if (error instanceof TurnkeyError && error.code === "SERVICE_UNAVAILABLE" && IDEMPOTENT_METHODS.has(method)) return call();
      throw error;
    }
  };
  const forwarder = Object.fromEntries(VAULT_METHODS.map((method) => [method, (...args: unknown[]) => forward(method, args)]));

  // Events sent while this frame had no live port (the worker restarted since) come this way; the
  // background only sends them to frames that connected, so listening from the first connection is enough.
  // Each names its origin: this frame may have navigated to another site since it was remembered.
  chrome.runtime.onMessage.addListener((message: unknown, sender: chrome.runtime.MessageSender) => {
    if (sender.id !== chrome.runtime.id || sender.tab !== undefined) return;
    const event = eventForOrigin(message, location.origin);
    if (event !== undefined) toPage({ channel: "event", event });
  });

  return (port) => {
    // Each connection is served on its own, so a stray handshake cannot cut off the page script's.
    pagePorts.push(port);
    if (pagePorts.length > MAX_PAGE_PORTS) {
      const evicted = pagePorts.shift()!;
      stamps.forget(evicted);
      evicted.close();
    }
    port.addEventListener("message", ({ data }) => stamps.fromPage(port, data, replyFromPage));
    Comlink.expose(forwarder, guardEndpoint(port, VAULT_METHODS));
    port.postMessage({ channel: "ready" });
    vault(); // connect now, so that events reach a page that only listens
  };
}
