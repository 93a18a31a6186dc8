/**
 * The bridge's half of page stamping (docs/api.md#stampwith-passkeys-and-wallets): it carries the
 * background's stamp requests to the page script's port that holds a stamper of that type, and
 * the page's replies back, since comlink proxies cannot cross a runtime port.
 *
 * The page script announces its stamper types on its own port (`stampers`); a request for a type
 * nobody announced is answered `no-stamper` at once. Only well-formed requests go to the page and
 * only replies from a port holding a stamper go back, rebuilt from plain strings; the background
 * still checks each reply against the request it is waiting for. One bridge serves one frame, so
 * a request that reached this bridge came over this frame's own runtime port.
 */
import { PAGE_STAMPER_TYPES, type PageStamperType, type StampReply } from "../shared/protocol.ts";
import * as stampMessages from "../shared/stamp-messages.ts";

export class StampRelay {
  private readonly stamperPorts = new Map<PageStamperType, MessagePort>();

  /** A message from one of the page's ports: a stamper announcement or a stamp reply. Others are not ours. */
  fromPage(port: MessagePort, data: unknown, toBackground: (reply: StampReply) => void): void {
    const channel = (data as { channel?: unknown } | null)?.channel;
    if (channel === "stampers") {
      const types = (data as { types?: unknown }).types;
      if (!Array.isArray(types)) return;
      for (const type of PAGE_STAMPER_TYPES) {
        if (types.includes(type)) this.stamperPorts.set(type, port);
        else if (this.stamperPorts.get(type) === port) this.stamperPorts.delete(type);
      }
    } else if (channel === "stamp-reply" && [...this.stamperPorts.values()].includes(port)) {
      const reply = stampMessages.stampReply(data);
      if (reply !== undefined) toBackground({ channel: "stamp-reply", ...reply });
    }
  }

  /** A message from the background: a stamp request goes to the page, or is refused here. Others are not ours. */
  fromBackground(data: unknown, toBackground: (reply: StampReply) => void): void {
    const request = stampMessages.stampRequest(data);
    if (request === undefined) return;
    const port = this.stamperPorts.get(request.stampWith);
    if (port === undefined) {
      toBackground({
        channel: "stamp-reply",
        requestId: request.requestId,
        outcome: { ok: false, reason: "no-stamper", message: `No ${request.stampWith} stamper is registered in this page` },
      });
      return;
    }
    port.postMessage(request);
  }

  /** A page port the bridge closed: it holds no stamper any more. */
  forget(port: MessagePort): void {
    for (const [type, holder] of this.stamperPorts) if (holder === port) this.stamperPorts.delete(type);
  }
}
