/**
 * `turnkey-session-vault-client`: find the Turnkey Session Vault extension from a dApp.
 *
 * The extension defines `window.turnkeySession` before the page's scripts run; code that starts
 * later, or in a page the extension reached late, also hears it announce itself
 * (`turnkeySession:announce`) when asked (`turnkeySession:request`). Without the extension
 * `getSessionVault` resolves `undefined` and the dApp keeps its own in-page sessions.
 * `@turnkey/core` apps use `installSessionVault` from `turnkey-session-vault-client/turnkey-core`.
 *
 * @example
 * import { getSessionVault } from "turnkey-session-vault-client";
 * const vault = await getSessionVault();
 * if (vault) await vault.refreshSession({ expirationSeconds: "3600" });
 */
import { timeoutOption } from "./timeout-option.ts";
import type { SessionVault } from "./types.ts";

export * from "./types.ts";
export { DEFAULT_TIMEOUT_MS } from "./timeout-option.ts";

export interface GetSessionVaultOptions {
  /** How long to wait for the extension to announce itself, in milliseconds; default 1000. */
  timeoutMs?: number;
}

const ANNOUNCE = "turnkeySession:announce";
const REQUEST = "turnkeySession:request";

/** The methods every vault has; anything else at `window.turnkeySession` is not one. */
const REQUIRED_METHODS = ["createApiKeyPair", "storeSession", "refreshSession", "getSession", "getActiveSessionKey", "stamp", "addEventListener"] as const;

function isSessionVault(value: unknown): value is SessionVault {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return REQUIRED_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === "function");
}

/**
 * `window.turnkeySession`, found at once or announced within `timeoutMs`; `undefined` when no
 * vault is installed (or outside a browser).
 */
export function getSessionVault(options?: GetSessionVaultOptions): Promise<SessionVault | undefined> {
  const timeoutMs = timeoutOption(options);
  if (typeof window === "undefined") return Promise.resolve(undefined);
  const present = (window as { turnkeySession?: unknown }).turnkeySession;
  if (isSessionVault(present)) return Promise.resolve(present);

  return new Promise((resolve) => {
    const finish = (vault: SessionVault | undefined) => {
      clearTimeout(timer);
      window.removeEventListener(ANNOUNCE, onAnnounce);
      resolve(vault);
    };
    const onAnnounce = (event: Event) => {
      const provider = (event as CustomEvent<{ provider?: unknown } | undefined>).detail?.provider;
      if (isSessionVault(provider)) finish(provider);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    window.addEventListener(ANNOUNCE, onAnnounce);
    window.dispatchEvent(new Event(REQUEST));
  });
}
