/**
 * The session list: every session in the vault, grouped by origin, with its ids (shortened,
 * full on hover, copied on click), type, a live countdown and its state, and Refresh and Log
 * out buttons. With no sessions, an empty state that says what the vault is.
 */
import type { SessionEntry } from "../shared/protocol.ts";
import { h } from "./dom.ts";
import { sessionTypeLabel, shorten, STATE_LABELS, timeLeft } from "./format.ts";

export interface SessionActions {
  refresh(entry: SessionEntry): void;
  logout(entry: SessionEntry): void;
  copy(label: string, value: string): void;
}

/** Buttons say what they do in `data-action`; one listener on the list serves them all. */
function idButton(label: string, value: string): HTMLElement {
  return h(
    "button",
    { type: "button", className: "id", title: `${value} (click to copy)`, attrs: { "aria-label": `Copy ${label.toLowerCase()} ${value}`, "data-action": `copy-${label}` } },
    h("span", { className: "id-label" }, label),
    shorten(value),
  );
}

function sessionCard(entry: SessionEntry, index: number): HTMLElement {
  const name = `${entry.sessionKey} on ${entry.origin}`;
  const refresh = h("button", {
    type: "button",
    className: "primary",
    textContent: "Refresh",
    disabled: entry.state === "refreshing" || entry.state === "expired",
    attrs: { "aria-label": `Refresh ${name}`, "data-action": "refresh" },
  });
  const logout = h("button", { type: "button", textContent: "Log out", attrs: { "aria-label": `Log out ${name}`, "data-action": "logout" } });

  return h(
    "article",
    { className: `session state-${entry.state}`, attrs: { "aria-label": name, "data-session-key": entry.sessionKey, "data-state": entry.state, "data-index": String(index) } },
    h(
      "header",
      {},
      h("span", { className: "session-key", title: entry.sessionKey }, entry.sessionKey),
      entry.selected && h("span", { className: "chip selected", title: "The origin's active session" }, "in use"),
      h("span", { className: `chip state`, attrs: { role: "status" } }, STATE_LABELS[entry.state]),
    ),
    h("div", { className: "ids" }, idButton("User", entry.session.userId), idButton("Org", entry.session.organizationId)),
    h(
      "div",
      { className: "meta" },
      h("span", {}, sessionTypeLabel(entry)),
      h("span", { className: "countdown", attrs: { "data-expiry": String(entry.session.expiry) } }, timeLeft(entry.session.expiry)),
    ),
    entry.lastError && entry.state !== "active" && h("p", { className: "reason", title: entry.lastError.message }, `${entry.lastError.code}: ${entry.lastError.message}`),
    h("div", { className: "actions" }, refresh, logout),
  );
}

/** Routes clicks on the list's buttons to `actions`, for whatever `renderSessions` drew last. */
export function handleSessionClicks(container: HTMLElement, entries: () => SessionEntry[], actions: SessionActions): void {
  container.addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLElement>("button[data-action]");
    const card = button?.closest<HTMLElement>("article[data-index]");
    const entry = card ? entries()[Number(card.dataset.index)] : undefined;
    if (!button || !entry) return;
    const action = button.dataset.action;
    if (action === "refresh") actions.refresh(entry);
    else if (action === "logout") actions.logout(entry);
    else if (action === "copy-User") actions.copy("User", entry.session.userId);
    else if (action === "copy-Org") actions.copy("Org", entry.session.organizationId);
  });
}

export function renderSessions(container: HTMLElement, entries: SessionEntry[]): void {
  if (entries.length === 0) {
    container.replaceChildren(
      h(
        "div",
        { className: "empty" },
        h("p", { className: "empty-title" }, "No sessions yet"),
        h("p", {}, "When a dApp built on Turnkey signs you in, its session key stays here, out of the page's reach, and is refreshed before it expires."),
        h("p", {}, "dApps use it through ", h("code", {}, "window.turnkeySession"), "."),
      ),
    );
    return;
  }
  const byOrigin = new Map<string, number[]>();
  entries.forEach((entry, index) => {
    const indexes = byOrigin.get(entry.origin);
    if (indexes) indexes.push(index);
    else byOrigin.set(entry.origin, [index]);
  });
  container.replaceChildren(
    ...[...byOrigin].map(([origin, indexes]) =>
      h("section", { className: "origin", attrs: { "aria-label": origin } }, h("h2", { title: origin }, origin), ...indexes.map((index) => sessionCard(entries[index]!, index))),
    ),
  );
}

/** Updates every countdown in place; true if one just reached zero (the list should be re-read). */
export function tickCountdowns(container: HTMLElement, now = Date.now()): boolean {
  let expiredNow = false;
  for (const node of container.querySelectorAll<HTMLElement>("[data-expiry]")) {
    const text = timeLeft(Number(node.dataset.expiry), now);
    if (text === "expired" && node.textContent !== "expired") expiredNow = true;
    node.textContent = text;
  }
  return expiredNow;
}
