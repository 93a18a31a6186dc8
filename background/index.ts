/**
 * The background service worker: builds the vault from its parts and wires it to browser
 * events. Start-up does no work of its own beyond re-arming the refresh alarm from the stored
 * sessions (the same storage read the first call needs).
 */
import browser from "webextension-polyfill";
import { alarmClock } from "../extension/alarm-clock.ts";
import { showRefreshFailures } from "../extension/badge.ts";
import { extensionLocalStore, extensionSessionStore, restrictStorageToTrustedContexts } from "../extension/key-value-store.ts";
import { getWrappingKey } from "../extension/wrapping-key.ts";
import { installTurnkeyErrorHandler } from "../shared/comlink-errors.ts";
import type { VaultEvent } from "../shared/protocol.ts";
import { EventHub } from "./event-hub.ts";
import { Keystore } from "./keystore.ts";
import { createPopupApi } from "./popup-api.ts";
import { PopupNotifier } from "./popup-notifier.ts";
import { acceptConnections } from "./ports.ts";
import { RateLimiter } from "./quotas.ts";
import { RefreshStatuses } from "./refresh-statuses.ts";
import { Refresher } from "./refresh.ts";
import { REFRESH_ALARM, Scheduler } from "./scheduler.ts";
import { defaultSettings, Settings } from "./settings.ts";
import { createTurnkeyApi } from "./turnkey-client.ts";
import { Vault } from "./vault.ts";

installTurnkeyErrorHandler();
void restrictStorageToTrustedContexts();

const settings = new Settings(extensionLocalStore, defaultSettings(__DEFAULT_API_BASE_URL__));
const events = new EventHub({
  store: extensionSessionStore,
  sendToFrame: (frame, envelope) =>
    browser.tabs.sendMessage(frame.tabId, envelope, { frameId: frame.frameId, ...(frame.documentId ? { documentId: frame.documentId } : {}) } as browser.Tabs.SendMessageOptionsType),
});
const popups = new PopupNotifier();
const statuses = new RefreshStatuses(extensionSessionStore);
const alarm = alarmClock(REFRESH_ALARM);

/** Returns the re-arm, which the vault awaits before a store or refresh resolves (a new expiry may be due sooner). */
function emit(origin: string, event: VaultEvent): Promise<void> | undefined {
  void events.emit(origin, event);
  popups.notify();
  if (event.type === "sessionStored" || event.type === "sessionRefreshed") return scheduler.armFor(event.detail.session);
  // Neither changes an expiry: nothing to re-arm.
  return event.type === "sessionExpiring" || event.type === "activeSessionChanged" ? undefined : scheduler.reschedule();
}

async function statusChanged(): Promise<void> {
  popups.notify();
  await showRefreshFailures(await statuses.failedCount());
}

const vault = new Vault({
  store: extensionLocalStore,
  keystore: new Keystore(getWrappingKey),
  now: Date.now,
  emit,
  defaultApiBaseUrl: async () => (await settings.get()).apiBaseUrl,
  report: (message) => console.warn(`[turnkey-session-vault] ${message}`),
});
// A bound fetch: calling the worker's fetch detached from its global throws "Illegal invocation".
const turnkey = createTurnkeyApi({ fetch: (url, init) => globalThis.fetch(url, init) });
const refresher = new Refresher(vault, turnkey, () => settings.get(), {
  started: () => popups.notify(),
  finished: (origin, sessionKey, error) =>
    void statuses
      .update(origin, sessionKey, (status) => (error ? { ...status, lastError: { code: error.code, message: error.message } } : undefined))
      .then(statusChanged),
});
const scheduler = new Scheduler({ vault, refresher, statuses, settings: () => settings.get(), alarm, now: Date.now, emit });
const popupApi = createPopupApi({ vault, refresher, settings, statuses, now: Date.now, settingsSaved: () => void scheduler.reschedule() });

acceptConnections({ vault, refresher, events, popupApi, popups, limiter: new RateLimiter(Date.now) });

browser.alarms.onAlarm.addListener((fired) => {
  if (fired.name === REFRESH_ALARM) void scheduler.run().then(statusChanged);
});
browser.runtime.onInstalled.addListener(() => void scheduler.run());
browser.runtime.onStartup.addListener(() => void scheduler.run());
// Every start re-arms from the stored sessions: alarms may not survive a browser restart or an
// update, and a background stopped between a write and its re-arm left the alarm for the old plan.
void scheduler.reschedule();
