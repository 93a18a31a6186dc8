/**
 * What the popup may do over its privileged port: see every origin's sessions, refresh one
 * through the same single-flight path the pages use, log one out, read and save settings.
 */
import { TurnkeyError } from "../shared/errors.ts";
import type { PopupApi } from "../shared/protocol.ts";
import * as validate from "../shared/validate.ts";
import type { Refresher } from "./refresh.ts";
import type { Settings } from "./settings.ts";
import type { Vault } from "./vault.ts";

function origin(value: unknown): string {
  if (typeof value !== "string" || !/^https?:\/\/[^/]+$/.test(value)) throw new TurnkeyError("origin must be an http(s) origin", "VALIDATION_ERROR");
  return value;
}

export function createPopupApi(vault: Vault, refresher: Refresher, settings: Settings): PopupApi {
  return {
    listSessions: () => vault.listSessions(),
    refreshSession: async (from, sessionKey) => {
      await refresher.refresh(origin(from), { sessionKey: validate.sessionKey(sessionKey), invalidateExisting: false, stampWith: "api-key" });
    },
    logout: async (from, sessionKey) => vault.clearSession(origin(from), validate.sessionKey(sessionKey)),
    getSettings: () => settings.get(),
    saveSettings: (update) => settings.save(update),
  };
}
