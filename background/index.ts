/**
 * The background service worker: builds the vault from its parts and wires it to browser
 * events. Start-up does no I/O of its own; storage is read on the first call.
 */
import { extensionLocalStore, restrictStorageToTrustedContexts } from "../extension/key-value-store.ts";
import { getWrappingKey } from "../extension/wrapping-key.ts";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import { EventHub } from "./event-hub.ts";
import { Keystore } from "./keystore.ts";
import { acceptConnections } from "./ports.ts";
import { Refresher } from "./refresh.ts";
import { defaultSettings, Settings } from "./settings.ts";
import { createTurnkeyApi } from "./turnkey-client.ts";
import { Vault } from "./vault.ts";

installTurnkeyErrorHandler();
void restrictStorageToTrustedContexts();

const settings = new Settings(extensionLocalStore, defaultSettings(__DEFAULT_API_BASE_URL__));
const events = new EventHub();
const vault = new Vault({
  store: extensionLocalStore,
  keystore: new Keystore(getWrappingKey),
  now: Date.now,
  emit: (origin, event) => events.emit(origin, event),
  defaultApiBaseUrl: async () => (await settings.get()).apiBaseUrl,
  report: (message) => console.warn(`[turnkey-session-vault] ${message}`),
});
// A bound fetch: calling the worker's fetch detached from its global throws "Illegal invocation".
const turnkey = createTurnkeyApi({ fetch: (url, init) => globalThis.fetch(url, init) });
const refresher = new Refresher(vault, turnkey, () => settings.get());

acceptConnections({ vault, refresher, settings, events });
