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

/**
 * The parts every card shares, built once: each session's card is a deep clone of it with its
 * own text and attributes filled in. Cloning is one native call per card, where building the
 * same card node by node made the JS of a 1,000-session list several times slower.
 */
let prototypes: { card: HTMLElement; selected: HTMLElement; reason: HTMLElement } | undefined;

function cardPrototypes(): NonNullable<typeof prototypes> {
  // Buttons say what they do in `data-action`; one listener on the list serves them all.
  // The "User" / "Org" label is the button's ::before (its data-label): two nodes fewer a card.
  const idButton = (label: string) => h("button", { type: "button", className: "id", attrs: { "data-action": `copy-${label}`, "data-label": label } }, "");
  const card = h(
    "article",
    { className: "session" },
    h("header", {}, h("span", { className: "session-key" }, ""), h("span", { className: "chip state", attrs: { role: "status" } }, "")),
    h("div", { className: "ids" }, idButton("User"), idButton("Org")),
    h("div", { className: "meta" }, h("span", {}, ""), h("span", { className: "countdown" }, "")),
    h(
      "div",
      { className: "actions" },
      h("button", { type: "button", className: "primary", textContent: "Refresh", attrs: { "data-action": "refresh" } }),
      h("button", { type: "button", textContent: "Log out", attrs: { "data-action": "logout" } }),
    ),
  );
  const selected = h("span", { className: "chip selected", title: "The origin's active session" }, "in use");
  return { card, selected, reason: h("p", { className: "reason" }, "") };
}

/**
 * What `renderSessions` drew last: each card's session (for the one click listener) and each
 * countdown's text node with its expiry (for the ticks). Kept here rather than in attributes,
 * which cost a DOM write per card for data only this module reads.
 */
let drawn = new WeakMap<Element, SessionEntry>();
let countdowns: { text: Text; expiry: number }[] = [];

/** The id a card's copy button (its `data-action`) stands for, with its label. */
function copiedId(action: string | undefined, entry: SessionEntry): { label: string; value: string } | undefined {
  if (action === "copy-User") return { label: "User", value: entry.session.userId };
  if (action === "copy-Org") return { label: "Org", value: entry.session.organizationId };
  return undefined;
}

/** Sets the text of an element whose prototype holds exactly one text node as its last child. */
const setText = (element: Element, text: string) => ((element.lastChild as Text).data = text);

function fillIdButton(button: Element, label: string, value: string): void {
  button.setAttribute("aria-label", `Copy ${label.toLowerCase()} ${value}`);
  setText(button, shorten(value));
}

function sessionCard(entry: SessionEntry, now: number): HTMLElement {
  prototypes ??= cardPrototypes();
  const card = prototypes.card.cloneNode(true) as HTMLElement;
  const header = card.firstElementChild!;
  const ids = header.nextElementSibling!;
  const meta = ids.nextElementSibling!;
  const actions = meta.nextElementSibling!;
  const name = `${entry.sessionKey} on ${entry.origin}`;

  card.setAttribute("aria-label", name);
  card.setAttribute("data-session-key", entry.sessionKey);
  card.setAttribute("data-state", entry.state);
  drawn.set(card, entry);

  const key = header.firstElementChild!;
  setText(key, entry.sessionKey);
  if (entry.selected) header.insertBefore(prototypes.selected.cloneNode(true), key.nextSibling);
  setText(header.lastElementChild!, STATE_LABELS[entry.state]);

  fillIdButton(ids.firstElementChild!, "User", entry.session.userId);
  fillIdButton(ids.lastElementChild!, "Org", entry.session.organizationId);

  setText(meta.firstElementChild!, sessionTypeLabel(entry));
  const countdown = meta.lastElementChild!.lastChild as Text;
  countdown.data = timeLeft(entry.session.expiry, now);
  countdowns.push({ text: countdown, expiry: entry.session.expiry });

  if (entry.lastError && entry.state !== "active") {
    const reason = prototypes.reason.cloneNode(true) as HTMLElement;
    reason.title = entry.lastError.message;
    setText(reason, `${entry.lastError.code}: ${entry.lastError.message}`);
    card.insertBefore(reason, actions);
  }

  const refresh = actions.firstElementChild as HTMLButtonElement;
  refresh.setAttribute("aria-label", `Refresh ${name}`);
  if (entry.state === "refreshing" || entry.state === "expired") refresh.disabled = true;
  actions.lastElementChild!.setAttribute("aria-label", `Log out ${name}`);
  return card;
}

/** Routes clicks on the list's buttons to `actions`, for whatever `renderSessions` drew last. */
export function handleSessionClicks(container: HTMLElement, actions: SessionActions): void {
  container.addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLElement>("button[data-action]");
    const card = button?.closest("article.session");
    const entry = card ? drawn.get(card) : undefined;
    if (!button || !entry) return;
    const action = button.dataset.action;
    const id = copiedId(action, entry);
    if (action === "refresh") actions.refresh(entry);
    else if (action === "logout") actions.logout(entry);
    else if (id) actions.copy(id.label, id.value);
  });
}

/**
 * Gives a card's key and ids their tooltip (the full value) when the pointer first comes over
 * them, rather than writing three `title`s into every card when the list is drawn.
 */
export function titleOnHover(container: HTMLElement): void {
  container.addEventListener("pointerover", (event) => {
    const target = (event.target as Element).closest<HTMLElement>(".session-key, .id");
    const entry = target && !target.title ? drawn.get(target.closest("article.session")!) : undefined;
    if (!target || !entry) return;
    const id = copiedId(target.dataset.action, entry);
    target.title = id ? `${id.value} (click to copy)` : entry.sessionKey;
  });
}

export function renderSessions(container: HTMLElement, entries: SessionEntry[]): void {
  drawn = new WeakMap();
  countdowns = [];
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
  const now = Date.now();
  const byOrigin = new Map<string, SessionEntry[]>();
  for (const entry of entries) {
    const group = byOrigin.get(entry.origin);
    if (group) group.push(entry);
    else byOrigin.set(entry.origin, [entry]);
  }
  container.replaceChildren(
    ...[...byOrigin].map(([origin, group]) => {
      const section = h("section", { className: "origin", attrs: { "aria-label": origin } }, h("h2", { title: origin }, origin), ...group.map((entry) => sessionCard(entry, now)));
      section.style.setProperty("--sessions", String(group.length));
      return section;
    }),
  );
}

/** Updates every countdown in place; true if one just reached zero (the list should be re-read). */
export function tickCountdowns(now = Date.now()): boolean {
  let expiredNow = false;
  for (const countdown of countdowns) {
    const text = timeLeft(countdown.expiry, now);
    if (countdown.text.data === text) continue; // most countdowns show hours or days: no DOM write
    if (text === "expired") expiredNow = true;
    countdown.text.data = text;
  }
  return expiredNow;
}
