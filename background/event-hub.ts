/**
 * Delivers vault events (docs/api.md#events) to every open frame of the session's origin, and
 * to no other.
 *
 * A frame that has used the vault is remembered in `storage.session` (tab, frame, and document
 * where the browser reports one), so events still find it after the background restarted and its
 * port is gone: live ports get the event directly, remembered frames without one through
 * `tabs.sendMessage`. Chrome and Firefox 153 report `sender.documentId`, and the message is
 * targeted at that exact document; Firefox 140 does not, so a remembered frame is then only a
 * (tab, frame) slot that may hold another document by now. Such events carry their origin, and
 * the frame's bridge drops an event for any origin but its own (`shared/event-origin.ts`): a frame that
 * navigated to another site never gets one. A frame that no longer answers is forgotten.
 */
import type { Runtime } from "webextension-polyfill";
import type { KeyValueStore } from "../extension/key-value-store.ts";
import type { Envelope, VaultEvent } from "../shared/protocol.ts";
import { afterAnswer, type Later } from "./after-answer.ts";
import type { PagePort } from "./port-outbox.ts";

export interface FrameRef {
  origin: string;
  tabId: number;
  frameId: number;
  /** The document the port came from, when the browser reports it (not Firefox 140). */
  documentId?: string;
}

export interface EventHubDeps {
  /** `storage.session`: frames outlive the background, not the browser. */
  store: KeyValueStore;
  /** `tabs.sendMessage` to that frame (and document, when known); rejects when nothing there listens. */
  sendToFrame(frame: FrameRef, envelope: Envelope): Promise<unknown>;
  /** When remembered frames are sent to: after the caller's answer; default `afterAnswer`. */
  later?: Later;
}

const STORAGE_KEY = "frames";

/** Where a frame is remembered: its document, or its (tab, frame) slot when the browser names no document. */
const slotOf = (frame: FrameRef): string => frame.documentId ?? `${frame.tabId}/${frame.frameId}`;

export class EventHub {
  private readonly ports = new Map<PagePort, FrameRef>();
  private frames: Promise<Map<string, FrameRef>> | undefined;

  constructor(private readonly deps: EventHubDeps) {}

  /** Registers a page port whose sender the background already checked. */
  attach(origin: string, port: PagePort): void {
    const { tab, frameId, documentId } = port.sender as Runtime.MessageSender & { documentId?: string };
    if (tab?.id === undefined || frameId === undefined) return;
    const frame: FrameRef = { origin, tabId: tab.id, frameId, ...(typeof documentId === "string" ? { documentId } : {}) };
    this.ports.set(port, frame);
    port.onDisconnect.addListener(() => this.ports.delete(port));
    void this.update((frames) => frames.set(slotOf(frame), frame));
  }

  /**
   * Sends `event` to every live port and remembered frame of `origin`; resolves when all were
   * tried. Live ports get it at once, through their outbox (port-outbox.ts), so the calling frame
   * hears the event before its call's answer, which carries it (docs/api.md#the-dapp-library-client);
   * remembered frames once that answer has left.
   */
  async emit(origin: string, event: VaultEvent): Promise<void> {
    const envelope: Envelope = { channel: "event", event };
    const reached = new Set<string>();
    for (const [port, frame] of this.ports) {
      if (frame.origin !== origin) continue;
      try {
        port.postMessage(envelope);
        reached.add(slotOf(frame));
      } catch {
        this.ports.delete(port);
      }
    }
    await new Promise<void>((resolve) => (this.deps.later ?? afterAnswer)(resolve));
    const frames = await this.remembered();
    const addressed: Envelope = { ...envelope, origin };
    await Promise.all(
      [...frames.values()]
        .filter((frame) => frame.origin === origin && !reached.has(slotOf(frame)))
        .map((frame) => this.deps.sendToFrame(frame, addressed).catch(() => this.update((all) => all.delete(slotOf(frame))))),
    );
  }

  private remembered(): Promise<Map<string, FrameRef>> {
    this.frames ??= this.deps.store
      .get(STORAGE_KEY)
      .then((stored) => new Map(Object.entries((stored ?? {}) as Record<string, FrameRef>)))
      .catch(() => new Map());
    return this.frames;
  }

  private async update(change: (frames: Map<string, FrameRef>) => unknown): Promise<void> {
    const frames = await this.remembered();
    change(frames);
    await this.deps.store.set({ [STORAGE_KEY]: Object.fromEntries(frames) }).catch(() => undefined);
  }
}
