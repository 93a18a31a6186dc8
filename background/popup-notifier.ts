/**
 * Tells open popups that something they show changed (a session stored, refreshed, cleared,
 * started or failed refreshing), so they read the list again while open. Notices that come in
 * a burst are merged into one.
 */
import type { Runtime } from "webextension-polyfill";
import type { Envelope } from "../shared/protocol.ts";

export class PopupNotifier {
  private readonly ports = new Set<Runtime.Port>();
  private pending = false;

  attach(port: Runtime.Port): void {
    this.ports.add(port);
    port.onDisconnect.addListener(() => this.ports.delete(port));
  }

  notify(): void {
    if (this.pending || this.ports.size === 0) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      for (const port of this.ports) {
        try {
          port.postMessage({ channel: "changed" } satisfies Envelope);
        } catch {
          this.ports.delete(port);
        }
      }
    }, 20);
  }
}
