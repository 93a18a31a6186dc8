/**
 * Stands in for `cross-fetch` in the build (vite.config.ts aliases it here). `@turnkey/http`
 * imports its `fetch` from cross-fetch, whose browser build hands back the global `fetch`
 * unbound, which throws "Illegal invocation" when called in a service worker
 * (docs/turnkey.md#sdk-defects-the-vault-avoids). This one is bound, and costs nothing to bundle.
 */
export const fetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init);
export default fetch;
