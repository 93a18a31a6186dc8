/**
 * The content script (isolated world, `document_start`): the bridge between the page script's
 * `MessagePort` and the background's `runtime.Port`.
 *
 * It runs in every frame of every page, and almost none of them ever use the vault, so this is
 * only the handshake listener. The forwarding itself (comlink, the rpc guard, the stamp relay,
 * the runtime port) is in bridge-forwarder.ts, which the bundle keeps inside a function that runs
 * on the frame's first page connection: V8 compiles it lazily, so a page that never calls pays
 * for parsing it, not for compiling or running it.
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
import type { acceptPagePort } from "./bridge-forwarder.ts";

let forwarder: Promise<typeof acceptPagePort> | undefined;

if (window.origin !== "null") {
  window.addEventListener("message", (event) => {
    if (event.source !== window || event.data?.[WINDOW_MESSAGE_TAG] !== "connect" || event.ports.length !== 1) return;
    const port = event.ports[0]!;
    void (forwarder ??= import("./bridge-forwarder.ts").then((m) => m.acceptPagePort)).then((accept) => accept(port));
  });
}
