/**
 * The popup's privileged connection to the background: a comlink wrap of the popup port, plus
 * the background's change notices so the popup can redraw while it is open. If the worker
 * stops, the next call reconnects. It uses `chrome.runtime` (Firefox has it too), not
 * webextension-polyfill: the popup loads no polyfill before it can ask for the sessions.
 */
import * as Comlink from "comlink";
import { portEndpoint, type PortEndpoint } from "../extension/port-endpoint.ts";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { PORT_NAMES, type Envelope, type PopupApi } from "../shared/protocol.ts";

export function connectToVault(onChanged: () => void): () => Comlink.Remote<PopupApi> {
  installTurnkeyErrorHandler();
  let current: { endpoint: PortEndpoint; remote: Comlink.Remote<PopupApi> } | undefined;
  return () => {
    if (!current || current.endpoint.closed) {
      const port = chrome.runtime.connect({ name: PORT_NAMES.popup });
      port.onMessage.addListener((message: unknown) => {
        if ((message as Envelope | null)?.channel === "changed") onChanged();
      });
      const endpoint = portEndpoint(port);
      current = { endpoint, remote: Comlink.wrap<PopupApi>(endpoint) };
    }
    return current.remote;
  };
}
