/**
 * The content script (isolated world): the bridge between the page script's `MessagePort`
 * and the background's `runtime.Port`.
 *
 * The page side is a comlink `expose` of a forwarder behind `guardEndpoint`, so only
 * allow-listed method calls with plain-data arguments get through; the background side is a
 * comlink `wrap` of a runtime port, opened when the page first uses the vault and reopened on
 * the next call after the worker restarted. Calls that change nothing are resent once if the
 * worker stopped under them; others fail with `SERVICE_UNAVAILABLE` rather than risk running twice.
 */
import * as Comlink from "comlink";
import browser from "webextension-polyfill";
import { portEndpoint, type PortEndpoint } from "../extension/port-endpoint.ts";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { TurnkeyError } from "../shared/errors.ts";
import {
  IDEMPOTENT_METHODS,
  PORT_NAMES,
  VAULT_METHODS,
  WINDOW_MESSAGE_TAG,
  type Envelope,
  type VaultApi,
  type VaultMethod,
} from "../shared/protocol.ts";
import { guardEndpoint } from "../shared/rpc-guard.ts";

installTurnkeyErrorHandler();

/** A frame may hold a few page connections (a re-sent handshake, or junk from the page itself). */
const MAX_PAGE_PORTS = 8;
const pagePorts: MessagePort[] = [];
let background: { endpoint: PortEndpoint; remote: Comlink.Remote<VaultApi> } | undefined;

function toPage(envelope: Envelope): void {
  for (const port of pagePorts) port.postMessage(envelope);
}

function vault(): Comlink.Remote<VaultApi> {
  if (!background || background.endpoint.closed) {
    const endpoint = portEndpoint(browser.runtime.connect({ name: PORT_NAMES.page }));
    endpoint.onEvent((event) => toPage({ channel: "event", event }));
    background = { endpoint, remote: Comlink.wrap<VaultApi>(endpoint) };
  }
  return background.remote;
}

async function forward(method: VaultMethod, args: unknown[]): Promise<unknown> {
  const call = () => (vault()[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  try {
    return await call();
  } catch (error) {
    if (error instanceof TurnkeyError && error.code === "SERVICE_UNAVAILABLE" && IDEMPOTENT_METHODS.has(method)) return call();
    throw error;
  }
}

const forwarder = Object.fromEntries(VAULT_METHODS.map((method) => [method, (...args: unknown[]) => forward(method, args)]));

window.addEventListener("message", (event) => {
  if (event.source !== window || event.data?.[WINDOW_MESSAGE_TAG] !== "connect" || event.ports.length !== 1) return;
  const port = event.ports[0]!;
  // Each connection is served on its own, so a stray handshake cannot cut off the page script's.
  pagePorts.push(port);
  if (pagePorts.length > MAX_PAGE_PORTS) pagePorts.shift()!.close();
  Comlink.expose(forwarder, guardEndpoint(port, VAULT_METHODS));
  port.postMessage({ channel: "ready" });
  vault(); // connect now, so that events reach a page that only listens
});

// Events sent while this frame had no live port (the worker restarted since) come this way.
browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id || sender.tab !== undefined) return;
  const envelope = message as Envelope | null;
  if (envelope?.channel === "event") toPage(envelope);
});

window.postMessage({ [WINDOW_MESSAGE_TAG]: "bridge-ready" }, "*");
