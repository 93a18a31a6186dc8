/**
 * The page script (main world, `document_start`): defines `window.turnkeySession`.
 *
 * It runs in every frame of every page, and almost none of them ever use the vault, so this is
 * only the frozen provider and its announcement. Everything else (comlink, the error handler,
 * the stamper registry, the port to the content script) is in page-client.ts, which the bundle
 * keeps inside a function that runs on the first method call or `addEventListener`: V8 compiles
 * it lazily, so a page that never calls pays for parsing it, not for compiling or running it.
 * Calls made before then are queued on that first load, in order.
 */
import { VAULT_INFO, VAULT_METHODS, type PageStamperApi, type VaultApi } from "../shared/protocol.ts";
import type { PageClient } from "./page-client.ts";

const provider = new EventTarget() as EventTarget & VaultApi & PageStamperApi;
// Read before any page script runs: a page can shadow `window.origin`, not change its frame's origin.
const opaqueOrigin = window.origin === "null";
let client: Promise<PageClient> | undefined;
const load = () => (client ??= import("./page-client.ts").then((m) => m.createPageClient(provider, opaqueOrigin)));

for (const method of VAULT_METHODS) {
  Object.defineProperty(provider, method, { value: (...args: unknown[]) => load().then((c) => c.call(method, args)), enumerable: true });
}
Object.defineProperty(provider, "registerStamper", {
  value: (...args: unknown[]) => load().then((c) => c.registerStamper(args)),
  enumerable: true,
});
Object.defineProperty(provider, "unregisterStamper", {
  value: (...args: unknown[]) => load().then((c) => c.unregisterStamper(args)),
  enumerable: true,
});
const addListener = provider.addEventListener.bind(provider);
Object.defineProperty(provider, "addEventListener", {
  value: (...args: Parameters<EventTarget["addEventListener"]>) => {
    void load().then((c) => c.listen()); // a page that only listens still needs the bridge up to hear events
    addListener(...args);
  },
});
Object.freeze(provider);
Object.defineProperty(window, "turnkeySession", { value: provider, enumerable: true, configurable: false, writable: false });

const announce = () =>
  window.dispatchEvent(new CustomEvent("turnkeySession:announce", { detail: Object.freeze({ info: VAULT_INFO, provider }) }));
window.addEventListener("turnkeySession:request", announce);
announce();
