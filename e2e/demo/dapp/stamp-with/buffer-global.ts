/**
 * Node's `Buffer` for the page, as a dApp's bundler provides it: Turnkey's `WalletStamper` calls
 * `Buffer.from(…, "hex")` when it recovers the wallet's public key, and browsers have no `Buffer`.
 * Imported first by kit.ts, so that it is defined before anything else runs.
 */
import { Buffer } from "buffer";

(globalThis as { Buffer?: typeof Buffer }).Buffer ??= Buffer;
