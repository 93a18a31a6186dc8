/**
 * Where the content scripts' lazy modules are in the built extension: web-accessible, imported
 * with `import()` on a frame's first use of the vault (build/lazy-content.ts).
 */
export const BRIDGE_FORWARDER_PATH = "content/lazy/bridge-forwarder.js";
export const PAGE_CLIENT_PATH = "content/lazy/page-client.js";
/** The page client's module as the page script (`content/page.iife.js`) names it in Chrome. */
export const PAGE_CLIENT_FROM_PAGE_SCRIPT = "./lazy/page-client.js";
