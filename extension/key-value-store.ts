/**
 * The storage the vault persists to, as a small interface so the vault's logic runs against
 * `chrome.storage.local` in the extension and against a `Map` in unit tests.
 *
 * `set` with several items is one write: `chrome.storage.local` commits a `set` call as a
 * single batch, which the vault relies on to move between consistent states.
 */
import browser from "webextension-polyfill";

export interface KeyValueStore {
  getAll(): Promise<Record<string, unknown>>;
  get(key: string): Promise<unknown>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export const extensionLocalStore: KeyValueStore = {
  getAll: () => browser.storage.local.get(null),
  get: async (key) => (await browser.storage.local.get(key))[key],
  set: (items) => browser.storage.local.set(items),
  remove: (keys) => (keys.length === 0 ? Promise.resolve() : browser.storage.local.remove(keys)),
};

/**
 * `chrome.storage.session`: in memory, kept across worker restarts but not browser restarts,
 * and (by default) out of content scripts' reach.
 */
export const extensionSessionStore: KeyValueStore = {
  getAll: () => browser.storage.session.get(null),
  get: async (key) => (await browser.storage.session.get(key))[key],
  set: (items) => browser.storage.session.set(items),
  remove: (keys) => (keys.length === 0 ? Promise.resolve() : browser.storage.session.remove(keys)),
};

/**
 * Keeps `chrome.storage.local` away from content scripts where the browser allows it, so
 * even a compromised renderer cannot read the (encrypted) records.
 */
export async function restrictStorageToTrustedContexts(): Promise<void> {
  const local = (globalThis as { chrome?: { storage?: { local?: { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> } } } }).chrome
    ?.storage?.local;
  await local?.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => undefined);
}
