/**
 * The content script (isolated world, `document_start`): the bridge between the page script's
 * `MessagePort` and the background's `runtime.Port`.
 *
 * It runs in every frame of every page, and almost none of them ever use the vault, so this is
 * only the handshake listener. The forwarding itself (the call relay and its rpc guard, the stamp
 * relay, the runtime port) is bridge-forwarder.ts, pre-bundled into one function (build/lazy-content.ts)
 * that runs on the frame's first page connection: a page that never calls pays for V8
 * pre-parsing it, not for compiling or running it.
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
import { loadBridgeForwarder } from "./lazy/bridge-forwarder.js";

let accept: ((port: MessagePort) => void) | undefined;

if (origin !== "null") {
  window.addEventListener("message", (event) => {
    if (event.source !== window || event.data?.[WINDOW_MESSAGE_TAG] !== "connect" || event.ports.length !== 1) return;
    (accept ??= loadBridgeForwarder().startForwarder())(event.ports[0]!);
  });
}
