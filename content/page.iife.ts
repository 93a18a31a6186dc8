/**
 * The page script (main world, `document_start`): defines `window.turnkeySession`.
 *
 * It runs in every frame of every page, and almost none of them ever use the vault, so at start
 * it only defines the property and listens for `turnkeySession:request` (docs/api.md#what-runs-before-a-page-calls).
 * The frozen provider is built on the first read of `window.turnkeySession`, and its client
 * (page-client.ts: comlink, the error handler, the stamper registry, the port to the content
 * script) on the first method call or `addEventListener`. In Chrome the client is a module of
 * its own, imported then, so a frame that never uses the vault does not even pre-parse it; the
 * Firefox build carries it pre-bundled into one function that V8 only pre-parses until then
 * (build/lazy-content.ts says why).
 *
 * The announce is dispatched on request, and at start only where a page script may already be
 * listening: a document this script reached after it was parsed (Firefox injects into the tabs
 * open when the extension is installed; Chrome never does, and its build does not look, since a
 * frame's first read of `document` costs it about a tenth of the minimal extension's script
 * time). At `document_start` nothing of the page has run yet, and a frame's first `CustomEvent`
 * costs it more than the minimal extension's whole script time.
 */
import { VAULT_INFO, VAULT_METHODS, type PageStamperApi, type VaultApi } from "../shared/protocol.ts";
import { PAGE_CLIENT_FROM_PAGE_SCRIPT } from "./lazy-modules.ts";
import { loadPageClient } from "./lazy/page-client-loader.js";
import type { PageClient } from "./page-client.ts";

type Provider = EventTarget & VaultApi & PageStamperApi;
type PageClientModule = typeof import("./page-client.ts");

// Read before any page script runs: a page can shadow `window.origin`, not change its frame's
// origin, and its replacing `Object.freeze` or `EventTarget` later cannot unfreeze the provider.
const opaqueOrigin = origin === "null";
const { defineProperty, freeze } = Object;
const Target = EventTarget;
let provider: Provider | undefined;

/**
 * The page client's module. Chrome resolves this script's `import()` against its own URL, in
 * the extension (the path is held in a constant so that the bundler leaves the import to the
 * browser); Firefox against the page's, so its build evaluates the carried copy instead.
 */
const pageClientModule = (): Promise<PageClientModule> =>
  __IMPORTS_RESOLVE_AGAINST_CONTENT_SCRIPT__ ? import(/* @vite-ignore */ PAGE_CLIENT_FROM_PAGE_SCRIPT) : Promise.resolve(loadPageClient());

/** The frozen provider: an `EventTarget` whose methods forward to the page client, made on first use. */
function getProvider(): Provider {
  if (provider) return provider;
  const target = new Target() as Provider;
  let pageClient: Promise<PageClient> | undefined;
  const client = () =>
    (pageClient ??= pageClientModule().then(
      ({ createPageClient }) => createPageClient(target, opaqueOrigin),
      () => {
        pageClient = undefined; // the next call tries again
        // The shape every hop gives a `TurnkeyError` (its class is in the module that failed to load).
        throw Object.assign(new Error("The vault's page client could not be loaded"), { name: "TurnkeyError", code: "SERVICE_UNAVAILABLE" });
      },
    ));
  for (const method of [...VAULT_METHODS, "registerStamper", "unregisterStamper"] as const) {
    defineProperty(target, method, { value: (...args: unknown[]) => client().then((c) => c.call(method, args)), enumerable: true });
  }
  const addListener = target.addEventListener.bind(target);
  defineProperty(target, "addEventListener", {
    value: (...args: Parameters<EventTarget["addEventListener"]>) => {
      // A page that only listens still needs the bridge up to hear events.
      client().then((c) => c.listen(), () => {});
      addListener(...args);
    },
  });
  return (provider = freeze(target));
}

// An accessor without a setter, not configurable: no page script can replace it, and every read
// returns the same provider.
defineProperty(window, "turnkeySession", { get: getProvider, enumerable: true });

const announce = () =>
  window.dispatchEvent(new CustomEvent("turnkeySession:announce", { detail: freeze({ info: VAULT_INFO, provider: getProvider() }) }));
window.addEventListener("turnkeySession:request", announce);
if (__INJECTS_INTO_OPEN_TABS__ && document.readyState !== "loading") announce();
