/**
 * Test-only access to the private keys the vault holds, to prove that none of them appears
 * anywhere else: `decryptStoredKeyPairs` runs inside an extension context (Chromium's worker, a
 * Firefox extension page: both share the extension's IndexedDB and storage), reads the wrapping
 * key and decrypts every stored key pair; `secretEncodings` lists the ways a key could be written.
 */

/** Evaluated in an extension context: `[{ publicKey, secretHex }]` for every stored key pair. Self-contained. */
export async function decryptStoredKeyPairs(): Promise<{ publicKey: string; secretHex: string }[]> {
  const fromB64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open("turnkey-session-vault");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const key = await new Promise<CryptoKey>((resolve, reject) => {
    const get = db.transaction("wrapping-keys").objectStore("wrapping-keys").get("v1");
    get.onsuccess = () => resolve(get.result);
    get.onerror = () => reject(get.error);
  });
  const storage = await chrome.storage.local.get(null);
  const out = [];
  for (const [name, record] of Object.entries(storage)) {
    if (!name.startsWith("keypair:")) continue;
    const r = record as { origin: string; publicKey: string; iv: string; ciphertext: string };
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64u(r.iv), additionalData: new TextEncoder().encode(`turnkey-session-vault/v1\n${r.origin}\n${r.publicKey}`) },
      key,
      fromB64u(r.ciphertext),
    );
    out.push({ publicKey: r.publicKey, secretHex: [...new Uint8Array(plain)].map((b) => b.toString(16).padStart(2, "0")).join("") });
  }
  db.close();
  return out;
}

/** A 32-byte secret as hex (both cases), base64 (padded or not), base64url, a byte list, a JSON byte map and decimal. */
export function secretEncodings(secretHex: string): string[] {
  const bytes = Buffer.from(secretHex, "hex");
  const b64 = bytes.toString("base64");
  return [
    secretHex,
    secretHex.toUpperCase(),
    b64,
    b64.replace(/=+$/, ""),
    bytes.toString("base64url"),
    [...bytes].join(","),
    JSON.stringify(Object.fromEntries([...bytes].entries())).slice(1, 40),
    BigInt(`0x${secretHex}`).toString(10),
  ];
}
