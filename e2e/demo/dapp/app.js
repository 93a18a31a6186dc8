/*
 * The demo dApp's script (plain browser JS, no build step). It finds window.turnkeySession
 * (or waits for the vault's `turnkeySession:announce`), logs in through the Turnkey stand-in
 * named by `?standin=`, and shows the session and the vault's events. "Who am I" signs a
 * Turnkey query with `turnkeySession.stamp()`: the vault acts as the stamper, the key stays
 * inside the extension. Every action writes its outcome to #result (data-action,
 * data-outcome = ok | error, data-seq counting up) so that scripts can wait for it.
 */
"use strict";

const standin = new URLSearchParams(location.search).get("standin")?.replace(/\/+$/, "") ?? "";
const VAULT_EVENTS = ["sessionStored", "sessionRefreshed", "sessionCleared", "sessionExpiring", "sessionExpired"];
const $ = (selector) => document.querySelector(selector);
const buttons = ["#login", "#refresh", "#show", "#whoami", "#logout"].map($);

/** @type {any} */ let vault;
/** @type {any} */ let session;

// ---- Finding the vault -------------------------------------------------------------------

function useVault(provider) {
  if (vault || !provider) return;
  vault = provider;
  for (const type of VAULT_EVENTS) vault.addEventListener(type, (e) => onVaultEvent(type, e.detail));
  $("#notice").hidden = !!standin;
  // Without a stand-in there is nobody to log in with or to ask "who am I".
  for (const b of buttons) b.disabled = !standin && (b.id === "login" || b.id === "whoami");
  vault.getSession().then(showSession, (e) => showResult("show", e));
}

function showNotice(text) {
  $("#notice").textContent = text;
  $("#notice").hidden = false;
}

window.addEventListener("turnkeySession:announce", (e) => useVault(e.detail?.provider ?? window.turnkeySession));
if (!standin) showNotice("No stand-in URL: open this page with ?standin=<stand-in base URL> to log in.");
if (window.turnkeySession) {
  useVault(window.turnkeySession);
} else {
  window.dispatchEvent(new Event("turnkeySession:request"));
  setTimeout(() => {
    if (vault) return;
    showNotice("Install the Turnkey Session Vault extension to use this dApp.");
    $("#status").dataset.state = "no-vault";
    $("#status-text").textContent = "No vault: window.turnkeySession is missing.";
  }, 1500);
}

// ---- Showing the session and events ------------------------------------------------------

const shorten = (hex) => (hex && hex.length > 20 ? `${hex.slice(0, 10)}…${hex.slice(-8)}` : hex ?? "");

function showSession(next) {
  session = next;
  const status = $("#status");
  status.dataset.state = session ? "signed-in" : "signed-out";
  $("#status-text").textContent = session ? "Signed in." : "No session.";
  if (!session) return;
  status.querySelector('[data-field="userId"]').textContent = session.userId;
  status.querySelector('[data-field="organizationId"]').textContent = session.organizationId;
  status.querySelector('[data-field="publicKey"]').textContent = shorten(session.publicKey);
  status.querySelector('[data-field="sessionType"]').textContent = session.sessionType ?? "";
  tick();
}

function tick() {
  if (!session) return;
  const left = Math.round(session.expiry - Date.now() / 1000);
  const text = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` : "expired";
  $('#status [data-field="expiresIn"]').textContent = text;
}
setInterval(tick, 1000);

function onVaultEvent(type, detail = {}) {
  const item = document.createElement("li");
  item.dataset.event = type;
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString();
  const name = document.createElement("b");
  name.textContent = type;
  const what = [detail.sessionKey, detail.session && `user ${detail.session.userId}`,
    detail.expiry && `expiry ${new Date(detail.expiry * 1000).toLocaleTimeString()}`];
  item.append(time, " ", name, " ", what.filter(Boolean).join(" · "));
  $("#log").prepend(item);

  if (type === "sessionStored" || type === "sessionRefreshed") showSession(detail.session);
  if ((type === "sessionCleared" || type === "sessionExpired") && detail.sessionKey) {
    vault.getSession().then(showSession, () => showSession(undefined));
  }
}

function showResult(action, outcome) {
  const result = $("#result");
  const failed = outcome instanceof Error;
  result.dataset.action = action;
  result.dataset.outcome = failed ? "error" : "ok";
  result.dataset.seq = String(Number(result.dataset.seq) + 1);
  result.textContent = failed
    ? `${action}: ${outcome.code ?? outcome.name}: ${outcome.message}`
    : `${action}: ok\n${outcome === undefined ? "(nothing)" : JSON.stringify(outcome, null, 2)}`;
}

// ---- Actions -----------------------------------------------------------------------------

/** POSTs JSON and returns the parsed reply; a non-2xx reply throws an Error with a code. */
async function postJson(url, body, headers = {}) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
  const reply = await res.json().catch(() => ({}));
  if (res.ok) return reply;
  throw Object.assign(new Error(reply.message ?? res.statusText), { code: `HTTP_${res.status}` });
}

const actions = {
  async login() {
    const publicKey = await vault.createApiKeyPair();
    const { session: sessionToken } = await postJson(`${standin}/__standin/mint`, JSON.stringify({ publicKey }));
    await vault.storeSession({ sessionToken, apiBaseUrl: standin });
    const stored = await vault.getSession();
    showSession(stored);
    return { publicKey, userId: stored?.userId, organizationId: stored?.organizationId };
  },
  async refresh() {
    const { session: token, activity } = await vault.refreshSession();
    showSession(await vault.getSession());
    return { activity: { id: activity?.id, status: activity?.status }, token: `${token.slice(0, 24)}…` };
  },
  async show() {
    const current = await vault.getSession();
    showSession(current);
    return current && { ...current, token: `${current.token.slice(0, 24)}…` };
  },
  async whoami() {
    const current = await vault.getSession();
    if (!current) throw Object.assign(new Error("Log in first."), { code: "NO_SESSION_FOUND" });
    const body = JSON.stringify({ organizationId: current.organizationId });
    const { stampHeaderName, stampHeaderValue } = await vault.stamp(body);
    return postJson(`${standin}/public/v1/query/whoami`, body, { [stampHeaderName]: stampHeaderValue });
  },
  async logout() {
    await vault.logout();
    showSession(await vault.getSession());
    return "logged out";
  },
};

for (const button of buttons) {
  button.addEventListener("click", async () => {
    button.setAttribute("aria-busy", "true");
    try {
      showResult(button.id, await actions[button.id]());
    } catch (error) {
      showResult(button.id, error instanceof Error ? error : Object.assign(new Error(error?.message ?? String(error)), { code: error?.code }));
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
}

$("#origin").textContent = location.origin;
$("#standin-url").textContent = standin || "(none)";
