/**
 * Where the content script's lazy module is in the built extension: web-accessible, imported
 * with `import()` on a frame's first page connection (build/lazy-content.ts).
 */
export const BRIDGE_FORWARDER_PATH = "content/lazy/bridge-forwarder.js";
