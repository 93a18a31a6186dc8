/*
 * Bench echo service worker: answers every call on a "bench-echo" port at once with a
 * constant (the raw counterpart of the vault's background for a trivial call); "list" with
 * every session entry found in its chrome.storage.local, read once per worker life and
 * flattened in one pass, as the vault's listSessions does, and "count" with their number;
 * and, when its alarm "bench-echo/pass" fires, walks every session for the earliest expiry and
 * re-arms the alarm for it (the raw baselines of the scale bench).
 */
const ANSWER = "@turnkey/session/v3";
let records;

async function listSessions() {
  records ??= chrome.storage.local.get(null);
  const entries = [];
  for (const [key, record] of Object.entries(await records)) {
    if (!key.startsWith("origin:")) continue;
    const origin = key.slice("origin:".length);
    for (const [sessionKey, stored] of Object.entries(record.sessions)) {
      entries.push({ origin, sessionKey, session: stored.session, active: record.activeSessionKey === sessionKey, apiBaseUrl: stored.apiBaseUrl });
    }
  }
  return entries;
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== "bench-echo") return port.disconnect();
  port.onMessage.addListener((message) => {
    if (message.method === "list") {
      void listSessions().then((value) => port.postMessage({ cid: message.cid, value }));
    } else if (message.method === "count") {
      void listSessions().then((value) => port.postMessage({ cid: message.cid, value: value.length }));
    } else {
      port.postMessage({ cid: message.cid, value: ANSWER });
    }
  });
});

chrome.alarms.onAlarm.addListener(async (alarm) => {
  if (alarm.name !== "bench-echo/pass") return;
  let next = Infinity;
  for (const entry of await listSessions()) next = Math.min(next, entry.session.expiry * 1000 - 60_000);
  await chrome.alarms.create("bench-echo/pass", { when: Number.isFinite(next) ? next : Date.now() + 3_600_000 });
});
