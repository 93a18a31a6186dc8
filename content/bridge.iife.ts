/**
 * The content script (isolated world, `document_start`): the bridge between the page script's
 * `MessagePort` and the background's `runtime.Port`.
 *
 * It runs in every frame of every page, and almost none of them ever use the vault, so this is
 * only the handshake listener. The forwarding itself (the call relay and its rpc guard, the stamp
 * relay, the runtime port) is bridge-forwarder.ts, a module of its own (build/lazy-content.ts)
 * imported on the frame's first page connection: a page that never calls does not even pre-parse it.
 *
 * Measured in every frame (bench/measure-page-load.ts), a `window.postMessage` cost more than all
 * the rest of this script, so it announces nothing at start: a page script that called before
 * this ran re-sends its handshake until it is answered.
 *
 * A frame with an opaque origin (a sandboxed iframe) is never connected: the background holds
 * sessions per origin and has none for it, so no runtime port is opened (the page script refuses
 * such calls itself).
 */
import { WINDOW_MESSAGE_TAG } from "../shared/protocol.ts";
import type * as Forwarder from "./bridge-forwarder.ts";
import { BRIDGE_FORWARDER_PATH } from "./lazy-modules.ts";

let accept: Promise<(port: MessagePort) => void> | undefined;

if (origin !== "null") {
  window.addEventListener("message", (event) => {
    if (event.source !== window || event.data?.[WINDOW_MESSAGE_TAG] !== "connect" || event.ports.length !== 1) return;
    const port = event.ports[0]!;
    accept ??= (import(/* @vite-ignore */ chrome.runtime.getURL(BRIDGE_FORWARDER_PATH)) as Promise<typeof Forwarder>).then(
      ({ startForwarder }) => startForwarder(),
      (error: unknown) => {
        accept = undefined; // the page re-sends its handshake: the next one tries again
        throw error;
      },
    );
    accept.then((serve) => serve(port)).catch(() => port.close());
  });
}
