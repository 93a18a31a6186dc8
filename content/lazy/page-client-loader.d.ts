/**
 * The type of `page-client-loader.js`, which `build/lazy-content.ts` generates from
 * `../page-client.ts` (`npm run build` runs it first): the whole module, evaluated on the first
 * call. The Firefox build's page script calls it; Chrome's imports `page-client.js` instead.
 */
export declare function loadPageClient(): typeof import("../page-client.ts");
