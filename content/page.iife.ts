/**
 * The page script (main world, `document_start`): defines `window.turnkeySession`.
 *
 * It holds no keys: each method is a comlink call over a `MessagePort` to the content script,
 * opened on first use (so pages that never use the vault cost nothing but this script). Events
 * from the vault are dispatched on `window.turnkeySession`; the provider is announced with
 * `turnkeySession:announce` at start and on every `turnkeySession:request`. The one thing it
 * keeps is the page's own stampers (`registerStamper`, see stamper-registry.ts): it tells the
 * bridge which types it holds and answers the vault's stamp requests on the same port.
 */
import * as Comlink from "comlink";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { TurnkeyError } from "../shared/errors.ts";
import {
  VAULT_EVENT_TYPES,
  VAULT_INFO,
  VAULT_METHODS,
  WINDOW_MESSAGE_TAG,
  type PageStamperApi,
  type PageStamperType,
  type StamperAnnouncement,
  type VaultApi,
  type VaultEvent,
} from "../shared/protocol.ts";
import { StamperRegistry } from "./stamper-registry.ts";

installTurnkeyErrorHandler();

type RemoteMethods = Record<keyof VaultApi, (...args: unknown[]) => Promise<unknown>>;

/** comlink builds a Proxy (and a finalizer entry) on every property read: read each method once. */
function remoteMethods(remote: Comlink.Remote<VaultApi>): RemoteMethods {
  return Object.fromEntries(VAULT_METHODS.map((method) => [method, remote[method]])) as unknown as RemoteMethods;
}

interface Connection {
  vault: RemoteMethods;
  /** The port to the bridge, for the stamper messages that travel beside comlink's. */
  port: MessagePort;
}

const provider = new EventTarget() as EventTarget & VaultApi & PageStamperApi;
const stampers = new StamperRegistry();
let connection: Promise<Connection> | undefined;

function dispatchVaultEvent(event: VaultEvent): void {
  if (VAULT_EVENT_TYPES.includes(event?.type)) provider.dispatchEvent(new CustomEvent(event.type, { detail: event.detail }));
}

/** Opens the port to the content script; re-sends the handshake if the bridge starts later. */
function connect(): Promise<Connection> {
  connection ??= new Promise((resolve) => {
    let port: MessagePort | undefined;
    let ready = false;
    const open = () => {
      port?.close();
      const channel = new MessageChannel();
      const current = (port = channel.port1);
      current.addEventListener("message", ({ data }) => {
        if (data?.channel === "ready" && !ready) {
          ready = true;
          window.removeEventListener("message", onBridgeReady);
          resolve({ vault: remoteMethods(Comlink.wrap<VaultApi>(current)), port: current });
        } else if (data?.channel === "event") {
          dispatchVaultEvent(data.event);
        } else if (data?.channel === "stamp-request" && ready) {
          void stampers.answer(data).then((reply) => reply && current.postMessage(reply));
        }
      });
      current.start();
      window.postMessage({ [WINDOW_MESSAGE_TAG]: "connect" }, "*", [channel.port2]);
    };
    const onBridgeReady = (event: MessageEvent) => {
      if (event.source === window && event.data?.[WINDOW_MESSAGE_TAG] === "bridge-ready" && !ready) open();
    };
    window.addEventListener("message", onBridgeReady);
    open();
  });
  return connection;
}

async function call(method: keyof VaultApi, args: unknown[]): Promise<unknown> {
  const { vault } = await connect();
  try {
    return await vault[method](...args);
  } catch (error) {
    if (error instanceof TurnkeyError) throw error;
    // Thrown here, before anything was sent: arguments that cannot be cloned (functions, DOM nodes…).
    throw new TurnkeyError(`${method}: arguments could not be sent to the vault (${(error as Error)?.message ?? error})`, "VALIDATION_ERROR");
  }
}

/** Tells the bridge which stamper types this page holds, so that it knows where stamp requests go. */
async function announceStampers(types: PageStamperType[]): Promise<void> {
  const { port } = await connect();
  port.postMessage({ channel: "stampers", types } satisfies StamperAnnouncement);
}

for (const method of VAULT_METHODS) {
  Object.defineProperty(provider, method, { value: (...args: unknown[]) => call(method, args), enumerable: true });
}
// The stampers stay in this page: only the types they stamp for are told to the bridge.
Object.defineProperty(provider, "registerStamper", {
  value: async (...args: unknown[]) => announceStampers(stampers.register(args)),
  enumerable: true,
});
Object.defineProperty(provider, "unregisterStamper", {
  value: async (...args: unknown[]) => announceStampers(stampers.unregister(args)),
  enumerable: true,
});
const addListener = provider.addEventListener.bind(provider);
Object.defineProperty(provider, "addEventListener", {
  value: (...args: Parameters<EventTarget["addEventListener"]>) => {
    void connect(); // a page that only listens still needs the bridge up to hear events
    addListener(...args);
  },
});
Object.freeze(provider);
Object.defineProperty(window, "turnkeySession", { value: provider, enumerable: true, configurable: false, writable: false });

const announce = () =>
  window.dispatchEvent(new CustomEvent("turnkeySession:announce", { detail: Object.freeze({ info: VAULT_INFO, provider }) }));
window.addEventListener("turnkeySession:request", announce);
announce();
