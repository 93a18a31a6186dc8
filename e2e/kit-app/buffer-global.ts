/**
 * Node's `Buffer` for the page, as a dApp's bundler provides it: some of the kit's dependencies
 * use the global `Buffer`, and browsers have none. Imported first by main.ts.
 */
import { Buffer } from "buffer";

(globalThis as { Buffer?: typeof Buffer }).Buffer ??= Buffer;
