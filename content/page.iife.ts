/**
 * The page script (main world, `document_start`): defines `window.turnkeySession`.
 *
 * It runs in every frame of every page, and almost none of them ever use the vault, so this is
 * only the frozen provider and its announcement. Everything else (the error handler, the
 * stamper registry, comlink, the port to the content script) is page-client.ts, pre-bundled
 * into one function (build/lazy-content.ts) that runs on the first method call or
 * `addEventListener`: a page that never calls pays for V8 pre-parsing it, not for compiling or
 * running it.
 */
import { VAULT_INFO, VAULT_METHODS, type PageStamperApi, type VaultApi } from "../shared/protocol.ts";
import { loadPageClient } from "./lazy/page-client.js";
import type { PageClient } from "./page-client.ts";

const provider = new EventTarget() as EventTarget & VaultApi & PageStamperApi;
// Read before any page script runs: a page can shadow `window.origin`, not change its frame's origin.
const opaqueOrigin = origin === "null";
let pageClient: PageClient | undefined;
const client = () => (pageClient ??= loadPageClient().createPageClient(provider, opaqueOrigin));

for (const method of [...VAULT_METHODS, "registerStamper", "unregisterStamper"] as const) {
  Object.defineProperty(provider, method, { value: (...args: unknown[]) => client().call(method, args), enumerable: true });
}
const addListener = provider.addEventListener.bind(provider);
Object.defineProperty(provider, "addEventListener", {
  value: (...args: Parameters<EventTarget["addEventListener"]>) => {
    client().listen(); // a page that only listens still needs the bridge up to hear events
    addListener(...args);
  },
});
Object.freeze(provider);
// Neither writable nor configurable (defineProperty's defaults): no page script can replace it.
Object.defineProperty(window, "turnkeySession", { value: provider, enumerable: true });

const announce = () =>
  window.dispatchEvent(new CustomEvent("turnkeySession:announce", { detail: Object.freeze({ info: VAULT_INFO, provider }) }));
window.addEventListener("turnkeySession:request", announce);
announce();
