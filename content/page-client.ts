/**
 * The page script's client of the vault (main world), created on first use: page.iife.ts keeps
 * only the frozen `window.turnkeySession` stub, so that pages that never use the vault do not
 * pay for setting up comlink, the error handler or the stamper registry. The build bundles it
 * with its imports into one function (build/lazy-content.ts → content/lazy/page-client.js), so
 * that none of their top-level statements run either.
 *
 * Each method is a comlink call over a `MessagePort` to the content script. Events from the
 * vault are dispatched on the provider. The one thing it keeps is the page's own stampers
 * (`registerStamper`, see stamper-registry.ts): it tells the bridge which types it holds and
 * answers the vault's stamp requests on the same port.
 */
import * as Comlink from "comlink";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { TurnkeyError } from "../shared/errors.ts";
import {
  VAULT_EVENT_TYPES,
  VAULT_METHODS,
  WINDOW_MESSAGE_TAG,
  type PageStamperApi,
  type PageStamperType,
  type StamperAnnouncement,
  type VaultApi,
  type VaultEvent,
} from "../shared/protocol.ts";
import { StamperRegistry } from "./stamper-registry.ts";

/** The refusal in a frame whose origin is opaque (README, "Sandboxed frames"). */
export const OPAQUE_ORIGIN_MESSAGE = "A sandboxed frame cannot use the vault";

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

export interface PageClient {
  /** A vault method, or `registerStamper` / `unregisterStamper` (served here, in the page). */
  call(method: keyof VaultApi | keyof PageStamperApi, args: unknown[]): Promise<unknown>;
  /** Connects so that events reach a page that only listens (an opaque origin hears none). */
  listen(): unknown;
}

/**
 * `provider` is the frozen `window.turnkeySession`, on which events are dispatched. A frame with
 * an opaque origin (a sandboxed iframe) has no origin to hold sessions under: every call is
 * refused here, and no port is opened.
 */
export function createPageClient(provider: EventTarget, opaqueOrigin: boolean): PageClient {
  installTurnkeyErrorHandler();
  const stampers = new StamperRegistry();
  let connection: Promise<Connection> | undefined;

  function dispatchVaultEvent(event: VaultEvent): void {
    if (VAULT_EVENT_TYPES.includes(event?.type)) provider.dispatchEvent(new CustomEvent(event.type, { detail: event.detail }));
  }

  /**
   * Opens the port to the content script. The bridge listens before any page script runs, but a
   * call made even earlier (another extension's main-world script) finds no bridge yet: the
   * handshake is re-sent, backing off, until the bridge answers. (The bridge announcing itself
   * instead would cost every frame of every page a `postMessage`.)
   */
  async function connect(): Promise<Connection> {
    if (opaqueOrigin) throw new TurnkeyError(OPAQUE_ORIGIN_MESSAGE, "UNSUPPORTED_PLATFORM");
    connection ??= new Promise((resolve) => {
      // Every handshake stays open until one is answered: a slow bridge's answer to an earlier
      // one is taken, not lost. The others are closed then, so events arrive on one port only.
      const handshakes: MessagePort[] = [];
      let chosen: MessagePort | undefined;
      let retryMs = 25;
      const open = () => {
        if (chosen) return;
        const { port1: current, port2 } = new MessageChannel();
        handshakes.push(current);
        current.addEventListener("message", ({ data }) => {
          if (data?.channel === "ready" && !chosen) {
            chosen = current;
            for (const other of handshakes) if (other !== current) other.close();
            resolve({ vault: remoteMethods(Comlink.wrap<VaultApi>(current)), port: current });
          } else if (current !== chosen) {
            current.close(); // a handshake answered after another one was taken
          } else if (data?.channel === "event") {
            dispatchVaultEvent(data.event);
          } else if (data?.channel === "stamp-request") {
            void stampers.answer(data).then((reply) => reply && current.postMessage(reply));
          }
        });
        current.start();
        window.postMessage({ [WINDOW_MESSAGE_TAG]: "connect" }, "*", [port2]);
        setTimeout(open, (retryMs *= 2)); // 50 ms, 100 ms, 200 ms …
      };
      open();
    });
    return connection;
  }

  /** Tells the bridge which stamper types this page holds, so that it knows where stamp requests go. */
  async function announceStampers(types: PageStamperType[]): Promise<void> {
    const { port } = await connect();
    port.postMessage({ channel: "stampers", types } satisfies StamperAnnouncement);
  }

  return {
    async call(method, args) {
      // The stampers stay in this page: only the types they stamp for are told to the bridge.
      if (method === "registerStamper") return announceStampers(stampers.register(args));
      if (method === "unregisterStamper") return announceStampers(stampers.unregister(args));
      const { vault } = await connect();
      try {
        return await vault[method](...args);
      } catch (error) {
        if (error instanceof TurnkeyError) throw error;
        // Thrown here, before anything was sent: arguments that cannot be cloned (functions, DOM nodes…).
        throw new TurnkeyError(`${method}: arguments cannot be cloned (${(error as Error)?.message ?? error})`, "VALIDATION_ERROR");
      }
    },
    listen: () => opaqueOrigin || void connect(),
  };
}
