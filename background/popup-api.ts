/**
 * What the popup may do over its privileged port: see every origin's sessions with their
 * state, refresh one through the same single-flight path the pages use, log one out, read and
 * save settings.
 */
import { TurnkeyError } from "../shared/errors.ts";
import type { PopupApi, SessionEntry, SessionState, VaultSettings } from "../shared/protocol.ts";
import * as validate from "../shared/validate.ts";
import { slotOf, type RefreshStatuses } from "./refresh-statuses.ts";
import type { Refresher } from "./refresh.ts";
import type { Settings } from "./settings.ts";
import type { Vault } from "./vault.ts";

function origin(value: unknown): string {
  if (typeof value !== "string" || !/^https?:\/\/[^/]+$/.test(value)) throw new TurnkeyError("origin must be an http(s) origin", "VALIDATION_ERROR");
  return value;
}

export interface PopupApiDeps {
  vault: Vault;
  refresher: Refresher;
  settings: Settings;
  statuses: RefreshStatuses;
  now: () => number;
  /** Told after settings were saved (the alarm may need re-arming). */
  settingsSaved: (settings: VaultSettings) => void;
}

export function createPopupApi({ vault, refresher, settings, statuses, now, settingsSaved }: PopupApiDeps): PopupApi {
  return {
    async listSessions() {
      // Both reads at once, then one synchronous pass: no await per session.
      const [listed, statusBySlot] = await Promise.all([vault.listStored(), statuses.all()]);
      const entries: SessionEntry[] = [];
      for (const { origin, sessionKey, stored, active } of listed) {
        const status = statusBySlot.get(slotOf(origin, sessionKey));
        let state: SessionState = "active";
        if (stored.session.expiry * 1000 <= now()) state = "expired";
        else if (refresher.isRefreshing(origin, sessionKey)) state = "refreshing";
        else if (status?.lastError) state = "refresh-failed";
        const { token: _token, ...session } = stored.session;
        entries.push({
          origin,
          sessionKey,
          session,
          selected: active,
          apiBaseUrl: stored.apiBaseUrl,
          state,
          ...(status?.lastError ? { lastError: status.lastError } : {}),
        });
      }
      return entries;
    },
    refreshSession: async (from, sessionKey) => {
      await refresher.refresh(origin(from), { sessionKey: validate.sessionKey(sessionKey), invalidateExisting: false, stampWith: "api-key" });
    },
    logout: async (from, sessionKey) => vault.clearSession(origin(from), validate.sessionKey(sessionKey)),
    getSettings: () => settings.get(),
    saveSettings: async (update) => {
      const saved = await settings.save(update);
      settingsSaved(saved);
      return saved;
    },
  };
}
