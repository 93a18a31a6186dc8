/**
 * Who may call what (docs/architecture.md#who-may-call-what). A page's content script gets
 * the page API bound to the origin the browser reports for its frame; an extension page (the
 * popup) gets the privileged popup API; any other port is closed. Both are comlink `expose`s
 * behind `guardEndpoint`, so only allow-listed method calls reach them. A page port also carries
 * that frame's stamp requests (`frameStamper`): the background asks for a passkey or wallet stamp
 * only over the port of the frame whose `refreshSession` it serves.
 */
import * as Comlink from "comlink";
import browser, { type Runtime } from "webextension-polyfill";
import { portEndpoint } from "../extension/port-endpoint.ts";
import { PORT_NAMES, POPUP_METHODS, VAULT_METHODS } from "../shared/protocol.ts";
import { guardEndpoint } from "../shared/rpc-guard.ts";
import type { PopupApi } from "../shared/protocol.ts";
import type { EventHub } from "./event-hub.ts";
import { frameStamper } from "./frame-stamper.ts";
import { PortOutbox } from "./port-outbox.ts";
import { createPageApi } from "./page-api.ts";
import type { PopupNotifier } from "./popup-notifier.ts";
import type { RateLimiter } from "./quotas.ts";
import type { Refresher } from "./refresh.ts";
import type { Vault } from "./vault.ts";

/** The origin of a content script's frame, as the browser reports it; `undefined` if not a web page. */
export function pageOrigin(sender: Runtime.MessageSender | undefined, extensionId: string): string | undefined {
  if (sender?.id !== extensionId || sender.tab === undefined || sender.frameId === undefined) return undefined;
  let origin = (sender as { origin?: string }).origin;
  if (origin === undefined && sender.url !== undefined) {
    try {
      origin = new URL(sender.url).origin;
    } catch {
      return undefined;
    }
  }
  return origin !== undefined && /^https?:\/\/[^/]+$/.test(origin) ? origin : undefined;
}

/** True only for this extension's own pages (popup, options), never for a content script. */
export function isExtensionPage(sender: Runtime.MessageSender | undefined, extensionId: string, extensionOrigin: string): boolean {
  if (sender?.id !== extensionId || sender.url === undefined) return false;
  const senderOrigin = (sender as { origin?: string }).origin;
  return sender.url.startsWith(`${extensionOrigin}/`) && (senderOrigin === undefined || senderOrigin === extensionOrigin);
}

export interface Connections {
  vault: Vault;
  refresher: Refresher;
  events: EventHub;
  popupApi: PopupApi;
  popups: PopupNotifier;
  limiter: RateLimiter;
}

export function acceptConnections(deps: Connections): void {
  const extensionId = browser.runtime.id;
  const extensionOrigin = new URL(browser.runtime.getURL("")).origin;

  browser.runtime.onConnect.addListener((port) => {
    if (port.name === PORT_NAMES.page) {
      const origin = pageOrigin(port.sender, extensionId);
      if (origin === undefined) return port.disconnect();
      // Everything sent to the frame goes through one outbox, so that its events ride on the replies.
      const outbox = new PortOutbox(port);
      const frame = frameStamper(outbox);
      Comlink.expose(createPageApi(origin, deps.vault, deps.refresher, deps.limiter, frame), guardEndpoint(portEndpoint(outbox), VAULT_METHODS));
      deps.events.attach(origin, outbox);
      return;
    }
    if (port.name === PORT_NAMES.popup && isExtensionPage(port.sender, extensionId, extensionOrigin)) {
      Comlink.expose(deps.popupApi, guardEndpoint(portEndpoint(port), POPUP_METHODS));
      deps.popups.attach(port);
      return;
    }
    port.disconnect();
  });
}
