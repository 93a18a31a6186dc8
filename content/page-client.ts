/**
 * The page script's client of the vault (main world), loaded on first use: page.iife.ts keeps
 * only the frozen `window.turnkeySession` stub, so that pages that never use the vault do not
 * pay for comlink, the error handler or the stamper registry.
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
  type PageStamperType,
  type StamperAnnouncement,
  type VaultApi,
  type VaultEvent,
} from "../shared/protocol.ts";
import { StamperRegistry } from "./stamper-registry.ts";

installTurnkeyErrorHandler();

/** The handshake is re-sent after 50 ms, 100 ms … at most every 2 s, until the bridge answers. */
const HANDSHAKE_RETRY_FIRST_MS = 50;
const HANDSHAKE_RETRY_MAX_MS = 2_000;

/** The refusal in a frame whose origin is opaque (README, "Sandboxed frames"). */
export const OPAQUE_ORIGIN_MESSAGE =
  'This frame has an opaque origin (a sandboxed iframe without "allow-same-origin"): the vault keeps sessions per origin and cannot serve it';

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
  call(method: keyof VaultApi, args: unknown[]): Promise<unknown>;
  registerStamper(args: unknown[]): Promise<void>;
  unregisterStamper(args: unknown[]): Promise<void>;
  /** Connects so that events reach a page that only listens. */
  listen(): void;
}

/**
 * `provider` is the frozen `window.turnkeySession`, on which events are dispatched. A frame with
 * an opaque origin (a sandboxed iframe) has no origin to hold sessions under: every call is
 * refused here, and no port is opened.
 */
export function createPageClient(provider: EventTarget, opaqueOrigin: boolean): PageClient {
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
  function connect(): Promise<Connection> {
    if (opaqueOrigin) return Promise.reject(new TurnkeyError(OPAQUE_ORIGIN_MESSAGE, "UNSUPPORTED_PLATFORM"));
    connection ??= new Promise((resolve) => {
      let port: MessagePort | undefined;
      let ready = false;
      let retryMs = HANDSHAKE_RETRY_FIRST_MS;
      const open = () => {
        if (ready) return;
        port?.close();
        const channel = new MessageChannel();
        const current = (port = channel.port1);
        current.addEventListener("message", ({ data }) => {
          if (data?.channel === "ready" && !ready) {
            ready = true;
            resolve({ vault: remoteMethods(Comlink.wrap<VaultApi>(current)), port: current });
          } else if (data?.channel === "event") {
            dispatchVaultEvent(data.event);
          } else if (data?.channel === "stamp-request" && ready) {
            void stampers.answer(data).then((reply) => reply && current.postMessage(reply));
          }
        });
        current.start();
        window.postMessage({ [WINDOW_MESSAGE_TAG]: "connect" }, "*", [channel.port2]);
        setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, HANDSHAKE_RETRY_MAX_MS);
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
      const { vault } = await connect();
      try {
        return await vault[method](...args);
      } catch (error) {
        if (error instanceof TurnkeyError) throw error;
        // Thrown here, before anything was sent: arguments that cannot be cloned (functions, DOM nodes…).
        throw new TurnkeyError(`${method}: arguments could not be sent to the vault (${(error as Error)?.message ?? error})`, "VALIDATION_ERROR");
      }
    },
    // The stampers stay in this page: only the types they stamp for are told to the bridge.
    registerStamper: async (args) => announceStampers(stampers.register(args)),
    unregisterStamper: async (args) => announceStampers(stampers.unregister(args)),
    listen: () => void connect().catch(() => undefined),
  };
}
