/**
 * Delivers vault events (docs/api.md#events) to every open frame of the session's
 * origin, and to no other.
 *
 * A frame that has used the vault is remembered in `storage.session` (tab, frame, document),
 * so events still find it after the worker restarted and its port is gone: live ports get the
 * event directly, remembered frames without one get it through `tabs.sendMessage` targeted at
 * that exact document. A frame that has navigated away no longer matches and is forgotten.
 */
import browser, { type Runtime } from "webextension-polyfill";
import type { Envelope, VaultEvent } from "../shared/protocol.ts";

interface FrameRef {
  origin: string;
  tabId: number;
  frameId: number;
  documentId: string;
}

const STORAGE_KEY = "frames";

export class EventHub {
  private readonly ports = new Map<Runtime.Port, FrameRef>();
  private frames: Promise<Map<string, FrameRef>> | undefined;

  /** Registers a page port whose sender the background already checked. */
  attach(origin: string, port: Runtime.Port): void {
    const { tab, frameId, documentId } = port.sender as Runtime.MessageSender & { documentId?: string };
    if (tab?.id === undefined || frameId === undefined || documentId === undefined) return;
    const frame = { origin, tabId: tab.id, frameId, documentId };
    this.ports.set(port, frame);
    port.onDisconnect.addListener(() => this.ports.delete(port));
    void this.update((frames) => frames.set(documentId, frame));
  }

  emit(origin: string, event: VaultEvent): void {
    const envelope: Envelope = { channel: "event", event };
    const reached = new Set<string>();
    for (const [port, frame] of this.ports) {
      if (frame.origin !== origin) continue;
      try {
        port.postMessage(envelope);
        reached.add(frame.documentId);
      } catch {
        this.ports.delete(port);
      }
    }
    void this.remembered().then((frames) => {
      for (const frame of frames.values()) {
        if (frame.origin !== origin || reached.has(frame.documentId)) continue;
        browser.tabs
          .sendMessage(frame.tabId, envelope, { frameId: frame.frameId, documentId: frame.documentId } as browser.Tabs.SendMessageOptionsType)
          .catch(() => this.update((all) => all.delete(frame.documentId)));
      }
    });
  }

  private remembered(): Promise<Map<string, FrameRef>> {
    this.frames ??= browser.storage.session
      .get(STORAGE_KEY)
      .then((items) => new Map(Object.entries((items[STORAGE_KEY] ?? {}) as Record<string, FrameRef>)))
      .catch(() => new Map());
    return this.frames;
  }

  private async update(change: (frames: Map<string, FrameRef>) => unknown): Promise<void> {
    const frames = await this.remembered();
    change(frames);
    await browser.storage.session.set({ [STORAGE_KEY]: Object.fromEntries(frames) }).catch(() => undefined);
  }
}
