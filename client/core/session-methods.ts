/**
 * `@turnkey/core`'s session-changing client methods, each as one vault call.
 *
 * Core builds these from several storage and key-store steps, some unawaited or run in parallel
 * (`logout` clears without waiting, then deletes the key pair; `clearSession` does both at once;
 * `refreshSession` stores and then sweeps every key pair no session holds). Against the vault,
 * which refuses to delete a key pair a session still holds and refreshes single-flight, each
 * becomes the vault's own method. They replace the client instance's own properties, so core's
 * internal `this.refreshSession(…)` / `this.clearUnusedKeyPairs()` calls reach them too.
 *
 * Where the vault's rules differ from core's (`docs/api.md`): a refresh signs with the refreshed
 * session's own key and keeps the active session as it was; `logout` and `clearSession` of a
 * session that is already gone resolve.
 */
import { TurnkeyErrorCodes, type TurnkeyClient } from "@turnkey/core";
import type { ActiveSessionCache } from "../session-cache.ts";
import { DEFAULT_SESSION_KEY, type RefreshSessionParams, type RefreshSessionResult, type SessionVault, type StampWith } from "../types.ts";
import { refusal, viaVault } from "./errors.ts";

/**
 * `client.refreshSession({ sessionKey, [SESSION_VAULT_RESYNC]: true })` resolves the session the
 * vault holds under that key, as a refresh would, without a `stamp_login`: for code that must make
 * a wallet kit re-read a session that the vault refreshed elsewhere (the alarm, the popup, a tab).
 */
export const SESSION_VAULT_RESYNC = Symbol.for("turnkey-session-vault.resync");

/** Core's `refreshSession` parameters (`stampWith` is its `StamperType`). */
export interface CoreRefreshParams {
  sessionKey?: string;
  expirationSeconds?: string;
  publicKey?: string;
  invalidateExisitng?: boolean;
  stampWith?: string;
  [SESSION_VAULT_RESYNC]?: boolean;
}

type CoreSessionMethods = Pick<TurnkeyClient, "refreshSession" | "logout" | "clearSession" | "clearAllSessions" | "clearUnusedKeyPairs">;

export interface SessionMethodsOptions {
  vault: SessionVault;
  cache: ActiveSessionCache;
  /** The client's `config.defaultStamperType`: core's default `stampWith`. */
  defaultStampWith: () => string | undefined;
}

export function vaultSessionMethods({ vault, cache, defaultStampWith }: SessionMethodsOptions): CoreSessionMethods {
  const refreshSession = (params: CoreRefreshParams = {}): Promise<RefreshSessionResult | undefined> =>
    viaVault(async () => {
      if (params[SESSION_VAULT_RESYNC] === true) {
        // The caller re-reads next: from the vault, not from what was kept (a resync can run before the event that drops it).
        const session = await cache.change(() => vault.getSession(params.sessionKey === undefined ? undefined : { sessionKey: params.sessionKey }));
        if (!session) throw refusal(`No session found: ${params.sessionKey ?? "no active session"}`, TurnkeyErrorCodes.NO_SESSION_FOUND);
        return { session: session.token, activity: undefined };
      }
      const stampWith = params.stampWith ?? defaultStampWith();
      const forVault: RefreshSessionParams = {
        ...(params.sessionKey !== undefined && { sessionKey: params.sessionKey }),
        ...(params.expirationSeconds !== undefined && { expirationSeconds: params.expirationSeconds }),
        ...(params.publicKey !== undefined && { publicKey: params.publicKey }),
        // Core's public type spells it `invalidateExisitng`; the vault takes either spelling.
        ...(params.invalidateExisitng !== undefined && { invalidateExisting: params.invalidateExisitng }),
        ...(stampWith !== undefined && { stampWith: stampWith as StampWith }),
      };
      return cache.refresh(() => vault.refreshSession(forVault));
    });

  return {
    refreshSession: refreshSession as CoreSessionMethods["refreshSession"],
    logout: (params) => viaVault(() => cache.change(() => vault.logout(params?.sessionKey ? { sessionKey: params.sessionKey } : undefined))),
    clearSession: (params) => viaVault(() => cache.change(() => vault.clearSession({ sessionKey: params?.sessionKey ?? DEFAULT_SESSION_KEY }))),
    clearAllSessions: () => viaVault(() => cache.change(() => vault.clearAllSessions())),
    clearUnusedKeyPairs: () => viaVault(() => vault.clearUnusedKeyPairs()),
  };
}
