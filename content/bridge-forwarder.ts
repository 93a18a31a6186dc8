/**
 * The content script's forwarding (isolated world), started on a frame's first page connection:
 * bridge.iife.ts keeps only the handshake listener, so that pages that never use the vault do
 * not pay for the call relay, the rpc guard or the stamp relay. The build makes it a module of its
 * own (build/lazy-content.ts → content/lazy/bridge-forwarder.js), imported on that connection.
 *
 * Calls pass through `CallRelay`: the rpc guard lets only allow-listed method calls with
 * plain-data arguments through, and they go on, still comlink messages, to the background's
 * `Comlink.expose` over a runtime port, opened with the first page connection and reopened on
 * the next call after the worker restarted. Beside them, stamp requests from the background and
 * the page's replies pass through `StampRelay` (page stamping for `stampWith: "passkey" | "wallet"`).
 *
 * It runs in every page that uses the vault, so it calls `chrome.runtime` directly:
 * webextension-polyfill would be a third of its size for the two calls it makes (Firefox has
 * `chrome.runtime` too).
 */
import { portEndpoint, type PortEndpoint } from "../extension/port-endpoint.ts";
import { eventForOrigin } from "../shared/event-origin.ts";
import { PORT_NAMES, type Envelope, type StampReply } from "../shared/protocol.ts";
import { CallRelay } from "./call-relay.ts";
import { StampRelay } from "./stamp-relay.ts";

/** A frame may hold a few page connections (a re-sent handshake, or junk from the page itself). */
const MAX_PAGE_PORTS = 8;

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
  const pagePorts: MessagePort[] = [];
  let background: { port: chrome.runtime.Port; endpoint: PortEndpoint } | undefined;
  const stamps = new StampRelay();

  const toPage = (envelope: Envelope) => {
    for (const port of pagePorts) port.postMessage(envelope);
  };

  const vault = (): PortEndpoint => {
    if (!background || background.endpoint.closed) {
      const port = chrome.runtime.connect({ name: PORT_NAMES.page });
      const endpoint = portEndpoint(port);
      endpoint.onEvent((event) => toPage({ channel: "event", event }));
      // The endpoint hands over comlink's replies, and its SERVICE_UNAVAILABLE for calls a stopped worker dropped.
      endpoint.addEventListener("message", ((event: MessageEvent) => calls.fromBackground(event.data)) as EventListener);
      port.onMessage.addListener((message: unknown) => stamps.fromBackground(message, (reply) => toBackground(port, reply)));
      background = { port, endpoint };
    }
    return background.endpoint;
  };
  const calls = new CallRelay(vault);

  /** A page's reply goes to the background's current port; a worker that restarted meanwhile ignores it. */
  const replyFromPage = (reply: StampReply) => {
    if (background && !background.endpoint.closed) toBackground(background.port, reply);
  };

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
    port.addEventListener("message", ({ data }) => {
      stamps.fromPage(port, data, replyFromPage);
      calls.fromPage(port, data);
    });
    port.start();
    port.postMessage({ channel: "ready" });
    vault(); // connect now, so that events reach a page that only listens
  };
}
