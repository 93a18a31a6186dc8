/**
 * No private key leaves the background, in any encoding. The test decrypts every key pair the
 * vault holds (test-only: it reads the wrapping key from the worker's IndexedDB and checks that
 * each decrypted key really derives its public key), then searches everything a page or the popup
 * can receive, and everything stored, for each key as hex, base64, base64url, byte lists and
 * decimal.
 */
import { p256 } from "@noble/curves/nist.js";
import type { Page } from "@playwright/test";
import type { VaultBrowser } from "../support/browser.ts";
import { expect, test } from "../support/fixtures.ts";
import { call, login, value } from "../support/vault-calls.ts";

test.beforeEach(({ standin }) => standin.reset());

/** Decrypts every stored key pair in the worker: `{ publicKey, secretHex }`. */
async function decryptAll(vault: VaultBrowser): Promise<{ publicKey: string; secretHex: string }[]> {
  const worker = await vault.workerHandle();
  return worker.evaluate(async () => {
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
    return out;
  });
}

function encodings(secretHex: string): string[] {
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

/** Opens a raw connection beside the page's provider and records everything the bridge sends on it. */
async function tapBridge(page: Page): Promise<() => Promise<string>> {
  await page.evaluate(() => {
    const { port1, port2 } = new MessageChannel();
    const seen: unknown[] = ((window as unknown as { tapped: unknown[] }).tapped = []);
    port1.onmessage = ({ data }) => seen.push(data);
    window.addEventListener("message", ({ data }) => seen.push(data));
    window.postMessage({ "turnkey-session-vault": "connect" }, "*", [port2]);
    (window as unknown as { tapPort: MessagePort }).tapPort = port1;
    for (const type of ["sessionStored", "sessionRefreshed", "sessionExpiring", "sessionExpired", "sessionCleared"]) {
      (window as unknown as { turnkeySession: EventTarget }).turnkeySession.addEventListener(type, (e) => seen.push((e as CustomEvent).detail));
    }
  });
  return () => page.evaluate(() => JSON.stringify((window as unknown as { tapped: unknown[] }).tapped));
}

test("no private key appears in storage or in anything a page or the popup receives", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const pageA = await openDapp(vault, originA);
  const pageB = await openDapp(vault, originB);
  const tapped = await tapBridge(pageA);
  const seen: unknown[] = [];
  const record = async (page: Page, method: string, ...args: unknown[]) => seen.push(await call(page, method, ...args));

  const { publicKey: sessionKeyA } = await login(pageA, standin, { sessionKey: "a" });
  await login(pageB, standin);
  const loginKey = await value<string>(pageA, "createApiKeyPair");
  const doomedKey = await value<string>(pageA, "createApiKeyPair");
  const keys = await decryptAll(vault); // before the refresh and the delete, so the key pairs they remove are searched for too
  for (const publicKey of [loginKey, sessionKeyA]) {
    await record(pageA, "stamp", '{"organizationId":"x"}', { publicKey });
    await record(pageA, "sign", '{"organizationId":"x"}', { publicKey });
    await record(pageA, "sign", '{"organizationId":"x"}', { publicKey, format: "raw" });
  }
  expect(seen.every((outcome) => (outcome as { ok: boolean }).ok)).toBe(true); // six real signatures
  await record(pageA, "deleteKeyPair", { publicKey: doomedKey });
  await record(pageA, "deleteKeyPair", { publicKey: sessionKeyA });
  await record(pageB, "sign", "{}", { publicKey: loginKey });
  await record(pageA, "refreshSession", { sessionKey: "a" });
  await record(pageA, "createApiKeyPair");
  for (const method of ["getSession", "getAllSessions", "getActiveSessionKey", "clearUnusedKeyPairs"]) await record(pageA, method);
  await record(pageA, "stamp", '{"organizationId":"x"}');
  await record(pageA, "refreshSession", { sessionKey: "nope" });
  await record(pageB, "getAllSessions");
  await record(pageB, "stamp", "{}");
  keys.push(...(await decryptAll(vault)));

  // The decryption is real: every secret derives its public key.
  expect(keys.length).toBeGreaterThanOrEqual(5);
  for (const { publicKey, secretHex } of keys) {
    expect(Buffer.from(p256.getPublicKey(Buffer.from(secretHex, "hex"), true)).toString("hex")).toBe(publicKey);
  }

  const popup = await vault.context.newPage();
  await popup.goto(vault.popupUrl);
  await expect(popup.locator("article.session")).toHaveCount(2);
  const worker = await vault.workerHandle();
  const haystacks = {
    "page results": JSON.stringify(seen),
    "bridge traffic and events": await tapped(),
    "popup page": await popup.content(),
    "storage.local": JSON.stringify(await worker.evaluate(() => chrome.storage.local.get(null))),
    "storage.session": JSON.stringify(await worker.evaluate(() => chrome.storage.session.get(null))),
  };
  expect(haystacks["bridge traffic and events"]).toContain("sessionRefreshed"); // the tap really saw traffic
  for (const [where, text] of Object.entries(haystacks)) {
    for (const { secretHex } of keys) {
      for (const encoded of encodings(secretHex)) expect(text.includes(encoded), `${where} contains a private key`).toBe(false);
    }
  }
  console.log(`no-key-leaves: ${keys.length} private keys × 8 encodings searched in ${Object.values(haystacks).reduce((n, t) => n + t.length, 0)} characters; found 0`);
});
