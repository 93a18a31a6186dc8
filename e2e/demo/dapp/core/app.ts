/**
 * The script of the @turnkey/core test page (core.html), bundled by e2e/specs/turnkey-core.spec.ts
 * with esbuild: Turnkey's real, unmodified `@turnkey/core` `TurnkeyClient`, this repository's
 * `installSessionVault` (client/turnkey-core.ts), a test EIP-1193 wallet, and `@turnkey/crypto`'s
 * `encryptOtpCodeToBundle` (for the one OTP step that must name the stand-in's signer key). The spec drives the
 * client in the page through `window.coreApp`, exactly as a dApp calls it.
 */
import "../stamp-with/buffer-global.ts";
import { OtpType, StamperType, TurnkeyClient, WalletInterfaceType, type TurnkeySDKClientConfig } from "@turnkey/core";
import { encryptOtpCodeToBundle } from "@turnkey/crypto";
import { installSessionVault, usesSessionVault } from "../../../../client/turnkey-core.ts";
import { installTestWallet } from "../stamp-with/test-wallet.ts";

/** A JWT's shape: three base64url parts, the first one a JSON header (`eyJ`). */
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

/** What the page itself holds: every localStorage entry, and whether core's key database exists and how many key pairs it has. */
async function pageState(): Promise<{ localStorage: Record<string, string>; jwtInLocalStorage: boolean; stamperDb: "absent" | number }> {
  const entries: Record<string, string> = {};
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)!;
    entries[key] = localStorage.getItem(key)!;
  }
  const databases = await indexedDB.databases();
  let stamperDb: "absent" | number = "absent";
  if (databases.some((d) => d.name === "TurnkeyStamperDB")) {
    stamperDb = await new Promise<number>((resolve, reject) => {
      const open = indexedDB.open("TurnkeyStamperDB");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("KeyStore")) return (db.close(), resolve(0));
        const count = db.transaction("KeyStore").objectStore("KeyStore").count();
        count.onsuccess = () => (db.close(), resolve(count.result));
        count.onerror = () => reject(count.error);
      };
    });
  }
  return { localStorage: entries, jwtInLocalStorage: Object.values(entries).some((v) => JWT.test(v)), stamperDb };
}

let client: TurnkeyClient | undefined;

export const coreApp = {
  StamperType,
  OtpType,
  encryptOtpCodeToBundle,
  WalletInterfaceType,
  installSessionVault,
  usesSessionVault,
  installTestWallet,
  pageState,
  /** `installSessionVault(TurnkeyClient)` (unless `install` is false), then `new TurnkeyClient(config).init()`, as a dApp starts. */
  async start(config: TurnkeySDKClientConfig, options: { install?: boolean; timeoutMs?: number } = {}): Promise<{ installed?: boolean; installMs?: number; usesVault: boolean }> {
    let installed: boolean | undefined;
    let installMs: number | undefined;
    if (options.install !== false) {
      const started = performance.now();
      installed = await installSessionVault(TurnkeyClient, options.timeoutMs === undefined ? undefined : { timeoutMs: options.timeoutMs });
      installMs = performance.now() - started;
    }
    client = new TurnkeyClient(config);
    await client.init();
    return { installed, installMs, usesVault: usesSessionVault(client) };
  },
  get client(): TurnkeyClient {
    if (!client) throw new Error("coreApp.start() first");
    return client;
  },
};
export type CoreApp = typeof coreApp;

(window as { coreApp?: CoreApp }).coreApp = coreApp;
