/**
 * The AES-GCM key that encrypts every private key at rest.
 *
 * It is a non-extractable WebCrypto key kept in the service worker's own IndexedDB (which no
 * web page and no content script can open), so the records in `chrome.storage.local` are
 * useless without the running extension. Created on first use; read once per worker life.
 */
const DB_NAME = "turnkey-session-vault";
const STORE = "wrapping-keys";
const KEY_ID = "v1";

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDatabase(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

async function loadOrCreate(): Promise<CryptoKey> {
  const db = await openDatabase();
  try {
    const existing = await request(db.transaction(STORE).objectStore(STORE).get(KEY_ID));
    if (existing instanceof CryptoKey) return existing;
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    // `add`, not `put`: should another worker instance have won the race, keep its key.
    const tx = db.transaction(STORE, "readwrite");
    try {
      await request(tx.objectStore(STORE).add(key, KEY_ID));
      return key;
    } catch {
      const winner = await request(db.transaction(STORE).objectStore(STORE).get(KEY_ID));
      if (winner instanceof CryptoKey) return winner;
      throw new Error("could not store the wrapping key");
    }
  } finally {
    db.close();
  }
}

let wrappingKey: Promise<CryptoKey> | undefined;

export function getWrappingKey(): Promise<CryptoKey> {
  wrappingKey ??= loadOrCreate().catch((error: unknown) => {
    wrappingKey = undefined;
    throw error;
  });
  return wrappingKey;
}
