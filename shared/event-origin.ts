/**
 * The bridge's check on an event that reached its frame through `tabs.sendMessage` (after the
 * background restarted): the background addresses a frame by (tab, frame) where the browser names
 * no document (Firefox 140), and that frame may hold another site by now. Such events carry the
 * origin they are for, and a frame of any other origin drops them.
 */
import type { Envelope, VaultEvent } from "./protocol.ts";

/** The event in `message` if it is one for `frameOrigin`; `undefined` otherwise. */
export function eventForOrigin(message: unknown, frameOrigin: string): VaultEvent | undefined {
  const envelope = message as Envelope | null;
  if (envelope?.channel !== "event" || envelope.origin !== frameOrigin) return undefined;
  return envelope.event;
}
