/**
 * The type of `page-client.js`, which `build/lazy-content.ts` generates from `../page-client.ts`
 * (`npm run build` runs it first): the whole module, evaluated on the first call.
 */
export declare function loadPageClient(): typeof import("../page-client.ts");
