/**
 * A comlink `Endpoint` over a `runtime.Port` (docs/architecture.md#comlink-over-runtimeport).
 *
 * Runtime ports carry JSON, so comlink messages travel inside `{ channel: "rpc" }` envelopes
 * and vault events beside them in `{ channel: "event" }` envelopes, or inside an rpc envelope
 * ahead of its message (`events`, delivered first: background/port-outbox.ts). comlink has no notion of a
 * port that dies: when the service worker stops, calls in flight would never settle. This
 * endpoint remembers the ids of requests it sent and, on disconnect, answers each of them with
 * a `SERVICE_UNAVAILABLE` error so every caller hears back. Messages on other channels (the
 * page-stamping `stamp-request` / `stamp-reply` of shared/protocol.ts) are not comlink's: this
 * endpoint leaves them to the listeners that serve them on the same port.
 */
import type { Endpoint } from "comlink";
import { thrownReply } from "../shared/comlink-errors.ts";
import { TurnkeyError } from "../shared/errors.ts";
import type { Envelope, VaultEvent } from "../shared/protocol.ts";

/** comlink's replies are wire values (`RAW`, `HANDLER`); every other message with an id is a request. */
const isRequestType = (type: unknown) => type !== "RAW" && type !== "HANDLER";

type Listener = (event: { data: unknown }) => void;

export interface PortEndpoint extends Endpoint {
  /** Called with each vault event that arrives on the port. */
  onEvent(listener: (event: VaultEvent) => void): void;
  readonly closed: boolean;
}

/** The envelopes of comlink traffic and vault events, the two this endpoint reads. */
export type PortEnvelope = Extract<Envelope, { channel: "rpc" | "event" }>;

export function isPortEnvelope(value: unknown): value is PortEnvelope {
  const channel = typeof value === "object" && value !== null ? (value as PortEnvelope).channel : undefined;
  return channel === "rpc" || channel === "event";
}

/**
 * The part of a `runtime.Port` this endpoint uses: both `chrome.runtime.Port` (the content
 * script, which skips webextension-polyfill to stay small) and the polyfill's `Runtime.Port` fit.
 */
export interface RuntimePort {
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export function portEndpoint(port: RuntimePort): PortEndpoint {
  const listeners = new Set<Listener>();
  const eventListeners = new Set<(event: VaultEvent) => void>();
  const pending = new Set<string>();
  let closed = false;

  const deliver = (data: unknown) => {
    for (const listener of listeners) listener({ data });
  };
  const failPending = () => {
    const error = new TurnkeyError("The vault's worker stopped during the call", "SERVICE_UNAVAILABLE");
    for (const id of pending) deliver(thrownReply(id, error));
    pending.clear();
  };

  port.onMessage.addListener((envelope: unknown) => {
    if (!isPortEnvelope(envelope)) return;
    if (envelope.channel === "event") {
      for (const listener of eventListeners) listener(envelope.event);
      return;
    }
    if (eventListeners.size > 0 && Array.isArray(envelope.events)) {
      for (const event of envelope.events) for (const listener of eventListeners) listener(event);
    }
    const id = (envelope.message as { id?: unknown } | null)?.id;
    if (typeof id === "string") pending.delete(id);
    deliver(envelope.message);
  });
  port.onDisconnect.addListener(() => {
    closed = true;
    failPending();
  });

  return {
    get closed() {
      return closed;
    },
    postMessage(message: unknown) {
      const { id, type } = (message ?? {}) as { id?: unknown; type?: unknown };
      const isRequest = typeof id === "string" && isRequestType(type);
      if (isRequest) pending.add(id);
      try {
        if (closed) throw new Error("port closed");
        port.postMessage({ channel: "rpc", message } satisfies Envelope);
      } catch {
        // A dead port: fail this request now rather than letting it hang.
        if (isRequest) queueMicrotask(failPending);
      }
    },
    addEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      listeners.add(listener as unknown as Listener);
    },
    removeEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      listeners.delete(listener as unknown as Listener);
    },
    onEvent(listener) {
      eventListeners.add(listener);
    },
  };
}
