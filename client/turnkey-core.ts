/**
 * `installSessionVault(TurnkeyClient)`: the one line that puts a `@turnkey/core` app (also one
 * built on `@turnkey/react-wallet-kit`) on the Turnkey Session Vault extension.
 *
 * Called once, before any client is initialised. When a vault answers within `timeoutMs`, it
 * removes the sessions and key pairs core kept in the page before, and wraps
 * `TurnkeyClient.prototype.init` (core's methods are per-instance properties; `init` is one of
 * the three on the prototype) so that every client initialised afterwards, the kit's included,
 * keeps its key pairs and sessions in the vault (see `core/attach.ts`). When none answers, it
 * resolves `false` and changes nothing: the app runs on core's in-page defaults.
 *
 * @example
 * import { TurnkeyClient } from "@turnkey/core";
 * import { installSessionVault } from "turnkey-session-vault-client/turnkey-core";
 * await installSessionVault(TurnkeyClient); // before new TurnkeyClient(…).init() or <TurnkeyProvider>
 */
import type { TurnkeyClient } from "@turnkey/core";
import { getSessionVault, type GetSessionVaultOptions } from "./index.ts";
import { timeoutOption } from "./timeout-option.ts";
import { attachSessionVault } from "./core/attach.ts";
import { purgePageSessions } from "./purge-page-sessions.ts";
import { ActiveSessionCache } from "./session-cache.ts";
import type { SessionVault } from "./types.ts";

export { usesSessionVault } from "./core/attach.ts";
export { SESSION_VAULT_RESYNC, type CoreRefreshParams } from "./core/session-methods.ts";

export type InstallSessionVaultOptions = GetSessionVaultOptions;

/** What `installSessionVault` needs of the class: its prototype's `init`. */
export type TurnkeyClientClass = { prototype: Pick<TurnkeyClient, "init"> };

/** One install per class; a failed one (no vault) may be tried again. */
const installs = new WeakMap<object, Promise<boolean>>();

/** The vault answered a first call within `timeoutMs` (an error is an answer too). */
function answersWithin(vault: SessionVault, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    vault.getActiveSessionKey().then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });
}

async function install(TurnkeyClient: TurnkeyClientClass, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  const vault = await getSessionVault({ timeoutMs });
  if (!vault || !(await answersWithin(vault, Math.max(0, timeoutMs - (Date.now() - started))))) return false;

  await purgePageSessions();
  const cache = new ActiveSessionCache(vault);
  const prototype = TurnkeyClient.prototype;
  const coreInit = prototype.init;
  Object.defineProperty(prototype, "init", {
    configurable: true,
    writable: true,
    value: async function init(this: TurnkeyClient, ...args: unknown[]): Promise<void> {
      await (coreInit as (...a: unknown[]) => Promise<void>).apply(this, args);
      await attachSessionVault(this, vault, cache);
    },
  });
  return true;
}

/**
 * Puts every `TurnkeyClient` initialised after it on the vault; resolves `true` when a vault
 * answered within `options.timeoutMs` (default 1000), else `false` with the class untouched.
 */
export function installSessionVault(TurnkeyClient: TurnkeyClientClass, options?: InstallSessionVaultOptions): Promise<boolean> {
  const timeoutMs = timeoutOption(options);
  const prototype = TurnkeyClient?.prototype;
  if (typeof prototype?.init !== "function") {
    return Promise.reject(Object.assign(new TypeError("installSessionVault takes @turnkey/core's TurnkeyClient class"), { code: "VALIDATION_ERROR" }));
  }
  let installing = installs.get(prototype);
  if (!installing) {
    installing = install(TurnkeyClient, timeoutMs);
    installs.set(prototype, installing);
    installing.then((installed) => installed || installs.delete(prototype), () => installs.delete(prototype));
  }
  return installing;
}
