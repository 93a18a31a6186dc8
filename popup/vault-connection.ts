/** The popup's privileged connection to the background: a comlink wrap of the popup port. */
import * as Comlink from "comlink";
import browser from "webextension-polyfill";
import { portEndpoint } from "../extension/port-endpoint.ts";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { PORT_NAMES, type PopupApi } from "../shared/protocol.ts";

export function connectToVault(): Comlink.Remote<PopupApi> {
  installTurnkeyErrorHandler();
  return Comlink.wrap<PopupApi>(portEndpoint(browser.runtime.connect({ name: PORT_NAMES.popup })));
}
