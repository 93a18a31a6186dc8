/**
 * What the background sends on one page's runtime port, in order (docs/architecture.md#events-ride-on-replies).
 *
 * A vault event for the frame waits until the end of the task that emitted it, and rides on the
 * first comlink message sent on the port meanwhile: the reply to the call that caused it (a
 * refresh's `sessionRefreshed`, a store's `sessionStored`) carries it, so the frame gets one
 * message where it got two, and the content script still hands the event to the page before the
 * reply. Any other message sent meanwhile goes after the events, which are then sent on their
 * own; with nothing sent, they go on their own when the task ends. A worker stopped before then
 * loses them, as it would lose a reply it had not sent.
 */
import type { Runtime } from "webextension-polyfill";
import { isPortEnvelope, type RuntimePort } from "../extension/port-endpoint.ts";
import type { Envelope, VaultEvent } from "../shared/protocol.ts";
import { afterAnswer, type Later } from "./after-answer.ts";

type EventEnvelope = Extract<Envelope, { channel: "event" }>;

/** A page's runtime port as the background uses it: the browser's report of its sender, and the port. */
export interface PagePort extends RuntimePort {
  readonly sender?: Runtime.MessageSender;
}

export class PortOutbox implements PagePort {
  private held: EventEnvelope[] = [];

  constructor(
    private readonly port: PagePort,
    /** When held events go out on their own; default `afterAnswer` (a task after this one). */
    private readonly later: Later = afterAnswer,
  ) {}

  get sender(): Runtime.MessageSender | undefined {
    return this.port.sender;
  }

  get onMessage(): RuntimePort["onMessage"] {
    return this.port.onMessage;
  }

  get onDisconnect(): RuntimePort["onDisconnect"] {
    return this.port.onDisconnect;
  }

  /** Throws, like the port's own, when the port is gone; the events held for it are then dropped. */
  postMessage(message: unknown): void {
    const envelope = isPortEnvelope(message) ? message : undefined;
    if (envelope?.channel === "event") {
      if (this.held.length === 0) this.later(() => this.flush());
      this.held.push(envelope);
      return;
    }
    if (this.held.length > 0 && envelope?.channel === "rpc") {
      const events: VaultEvent[] = this.held.map((held) => held.event);
      this.held = [];
      this.port.postMessage({ ...envelope, events } satisfies Envelope);
      return;
    }
    this.flush();
    this.port.postMessage(message);
  }

  private flush(): void {
    const held = this.held;
    this.held = [];
    try {
      for (const envelope of held) this.port.postMessage(envelope);
    } catch {
      // the frame is gone, and its events with it
    }
  }
}
