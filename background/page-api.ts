/**
 * The object the background exposes to one page's port: each allow-listed vault method,
 * bound to the origin the browser reported for that port, with its arguments validated
 * before the vault sees them. A page never names an origin; it cannot reach another's vault.
 * A page-stamped `refreshSession` asks this same port's frame to stamp (`FrameStamper`).
 */
import { DEFAULT_SESSION_KEY, type VaultMethod } from "../shared/protocol.ts";
import * as validate from "../shared/validate.ts";
import type { FrameStamper } from "./frame-stamper.ts";
import type { RateLimiter } from "./quotas.ts";
import type { Refresher } from "./refresh.ts";
import type { Vault } from "./vault.ts";

export type PageApi = Record<VaultMethod, (...args: unknown[]) => Promise<unknown>>;

/** Reads of the in-memory state: as cheap as a ping, so not rate-limited. */
const FREE_METHODS = new Set<VaultMethod>(["getSession", "getAllSessions", "getActiveSessionKey"]);

export function createPageApi(origin: string, vault: Vault, refresher: Refresher, limiter: RateLimiter, frame?: FrameStamper): PageApi {
  const api: PageApi = {
    createApiKeyPair: async (...args) => {
      validate.noArgs(args, "createApiKeyPair");
      return vault.createApiKeyPair(origin);
    },
    storeSession: async (...args) => vault.storeSession(origin, validate.storeSessionArgs(args)),
    refreshSession: async (...args) => refresher.refresh(origin, validate.refreshSessionArgs(args), frame),
    getSession: async (...args) => vault.getSession(origin, validate.optionalSessionKeyArgs(args, "getSession")),
    getAllSessions: async (...args) => {
      validate.noArgs(args, "getAllSessions");
      return vault.getAllSessions(origin);
    },
    setActiveSession: async (...args) => vault.setActiveSession(origin, validate.requiredSessionKeyArgs(args, "setActiveSession")),
    getActiveSessionKey: async (...args) => {
      validate.noArgs(args, "getActiveSessionKey");
      return vault.getActiveSessionKey(origin);
    },
    clearSession: async (...args) => vault.clearSession(origin, validate.optionalSessionKeyArgs(args, "clearSession") ?? DEFAULT_SESSION_KEY),
    clearAllSessions: async (...args) => {
      validate.noArgs(args, "clearAllSessions");
      return vault.clearAllSessions(origin);
    },
    logout: async (...args) => vault.logout(origin, validate.optionalSessionKeyArgs(args, "logout")),
    clearUnusedKeyPairs: async (...args) => {
      validate.noArgs(args, "clearUnusedKeyPairs");
      return vault.clearUnusedKeyPairs(origin);
    },
    stamp: async (...args) => {
      const { payload, sessionKey, publicKey } = validate.stampArgs(args);
      return publicKey === undefined ? vault.stamp(origin, payload, sessionKey) : vault.stampWithPublicKey(origin, payload, publicKey);
    },
    sign: async (...args) => {
      const { payload, publicKey, format } = validate.signArgs(args);
      return vault.sign(origin, payload, publicKey, format);
    },
    deleteKeyPair: async (...args) => vault.deleteKeyPair(origin, validate.deleteKeyPairArgs(args)),
  };
  for (const method of Object.keys(api) as VaultMethod[]) {
    if (FREE_METHODS.has(method)) continue;
    const call = api[method];
    api[method] = async (...args) => {
      limiter.take(origin);
      return call(...args);
    };
  }
  return api;
}
