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

function idButton(label: string, value: string, actions: SessionActions): HTMLElement {
  const button = h("button", { type: "button", className: "id", title: `${value} (click to copy)` }, h("span", { className: "id-label" }, label), shorten(value));
  button.setAttribute("aria-label", `Copy ${label.toLowerCase()} ${value}`);
  button.addEventListener("click", () => actions.copy(label, value));
  return button;
}

function sessionCard(entry: SessionEntry, actions: SessionActions): HTMLElement {
  const name = `${entry.sessionKey} on ${entry.origin}`;
  const refresh = h("button", { type: "button", className: "primary", textContent: "Refresh", disabled: entry.state === "refreshing" || entry.state === "expired" });
  refresh.setAttribute("aria-label", `Refresh ${name}`);
  refresh.addEventListener("click", () => actions.refresh(entry));
  const logout = h("button", { type: "button", textContent: "Log out" });
  logout.setAttribute("aria-label", `Log out ${name}`);
  logout.addEventListener("click", () => actions.logout(entry));

  return h(
    "article",
    { className: `session state-${entry.state}`, attrs: { "aria-label": name, "data-session-key": entry.sessionKey, "data-state": entry.state } },
    h(
      "header",
      {},
      h("span", { className: "session-key", title: entry.sessionKey }, entry.sessionKey),
      entry.selected && h("span", { className: "chip selected", title: "The origin's active session" }, "in use"),
      h("span", { className: `chip state`, attrs: { role: "status" } }, STATE_LABELS[entry.state]),
    ),
    h("div", { className: "ids" }, idButton("User", entry.session.userId, actions), idButton("Org", entry.session.organizationId, actions)),
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

export function renderSessions(container: HTMLElement, entries: SessionEntry[], actions: SessionActions): void {
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
  const byOrigin = new Map<string, SessionEntry[]>();
  for (const entry of entries) byOrigin.set(entry.origin, [...(byOrigin.get(entry.origin) ?? []), entry]);
  container.replaceChildren(
    ...[...byOrigin].map(([origin, sessions]) =>
      h("section", { className: "origin", attrs: { "aria-label": origin } }, h("h2", { title: origin }, origin), ...sessions.map((entry) => sessionCard(entry, actions))),
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
