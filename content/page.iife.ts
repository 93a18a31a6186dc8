/**
 * The page script (main world, `document_start`): defines `window.turnkeySession`.
 *
 * It holds no keys and no state: each method is a comlink call over a `MessagePort` to the
 * content script, opened on first use (so pages that never use the vault cost nothing but
 * this script). Events from the vault are dispatched on `window.turnkeySession`; the provider
 * is announced with `turnkeySession:announce` at start and on every `turnkeySession:request`.
 */
import * as Comlink from "comlink";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { TurnkeyError } from "../shared/errors.ts";
import { VAULT_EVENT_TYPES, VAULT_INFO, VAULT_METHODS, WINDOW_MESSAGE_TAG, type VaultApi, type VaultEvent } from "../shared/protocol.ts";

installTurnkeyErrorHandler();

const provider = new EventTarget() as EventTarget & VaultApi;
let remote: Promise<Comlink.Remote<VaultApi>> | undefined;

function dispatchVaultEvent(event: VaultEvent): void {
  if (VAULT_EVENT_TYPES.includes(event?.type)) provider.dispatchEvent(new CustomEvent(event.type, { detail: event.detail }));
}

/** Opens the port to the content script; re-sends the handshake if the bridge starts later. */
function connect(): Promise<Comlink.Remote<VaultApi>> {
  remote ??= new Promise((resolve) => {
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
          resolve(Comlink.wrap<VaultApi>(current));
        } else if (data?.channel === "event") {
          dispatchVaultEvent(data.event);
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
  return remote;
}

async function call(method: keyof VaultApi, args: unknown[]): Promise<unknown> {
  const vault = await connect();
  try {
    return await (vault[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  } catch (error) {
    if (error instanceof TurnkeyError) throw error;
    // Thrown here, before anything was sent: arguments that cannot be cloned (functions, DOM nodes…).
    throw new TurnkeyError(`${method}: arguments could not be sent to the vault (${(error as Error)?.message ?? error})`, "VALIDATION_ERROR");
  }
}

for (const method of VAULT_METHODS) {
  Object.defineProperty(provider, method, { value: (...args: unknown[]) => call(method, args), enumerable: true });
}
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
