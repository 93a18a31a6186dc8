/**
 * Removes, once, what `@turnkey/core` kept in the page before the vault was installed: its
 * sessions in `localStorage` (every `@turnkey/…` key, and each session slot named in
 * `@turnkey/all-session-keys`) and its key pairs in the IndexedDB database `TurnkeyStamperDB`
 * (also `@turnkey/sdk-browser`'s). They cannot be moved into the vault: the keys are
 * non-extractable `CryptoKey`s, and a JWT without its private key is of no use. Logging in again
 * makes a new session in the vault.
 */

const TURNKEY_PREFIX = "@turnkey/";
const ALL_SESSION_KEYS = "@turnkey/all-session-keys";
export const STAMPER_DATABASE = "TurnkeyStamperDB";

function parse(value: string | null): unknown {
  try {
    return value === null ? undefined : JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** A slot core listed holds a session (not some other value the app keeps under that name). */
function looksLikeSession(value: unknown): boolean {
  const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  return typeof record.token === "string" || typeof record.publicKey === "string";
}

/** The `localStorage` keys of core's sessions and session index. */
export function inPageSessionKeys(storage: Storage): string[] {
  const keys = new Set<string>();
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(TURNKEY_PREFIX)) keys.add(key);
  }
  const listed = parse(storage.getItem(ALL_SESSION_KEYS));
  for (const key of Array.isArray(listed) ? listed : []) {
    if (typeof key === "string" && looksLikeSession(parse(storage.getItem(key)))) keys.add(key);
  }
  return [...keys];
}

/** Deletes the database; does not wait for another tab that still has it open (it goes when that tab closes it). */
function deleteDatabase(indexedDB: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/** `localStorage` itself throws in some documents (sandboxed frames, storage blocked): then there is nothing to purge. */
function pageStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export async function purgePageSessions(storage: Storage | undefined = pageStorage(), indexedDB: IDBFactory | undefined = globalThis.indexedDB): Promise<void> {
  if (storage) for (const key of inPageSessionKeys(storage)) storage.removeItem(key);
  if (indexedDB) await deleteDatabase(indexedDB, STAMPER_DATABASE);
}
