/**
 * The type of `bridge-forwarder.js`, which `build/lazy-content.ts` generates from
 * `../bridge-forwarder.ts` (`npm run build` runs it first): the whole module, evaluated on the
 * first call.
 */
export declare function loadBridgeForwarder(): typeof import("../bridge-forwarder.ts");
