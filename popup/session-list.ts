/** Renders the vault's sessions, grouped by origin, with a Refresh and a Log out button each. */
import type { SessionEntry } from "../shared/protocol.ts";

export interface SessionActions {
  refresh(entry: SessionEntry): void;
  logout(entry: SessionEntry): void;
}

const shorten = (value: string, keep = 6) => (value.length > keep * 2 + 1 ? `${value.slice(0, keep)}…${value.slice(-keep)}` : value);

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export function remaining(expiry: number, now = Date.now()): string {
  const seconds = Math.max(0, expiry - Math.floor(now / 1000));
  if (seconds === 0) return "expired";
  const minutes = Math.floor(seconds / 60);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

export function renderSessions(container: HTMLElement, entries: SessionEntry[], actions: SessionActions): void {
  if (entries.length === 0) {
    container.replaceChildren(
      element("p", { className: "empty" }, "No sessions yet. When a dApp that uses Turnkey signs you in, its session is kept here, out of the page's reach, and refreshed for it."),
    );
    return;
  }
  const byOrigin = new Map<string, SessionEntry[]>();
  for (const entry of entries) byOrigin.set(entry.origin, [...(byOrigin.get(entry.origin) ?? []), entry]);
  container.replaceChildren(
    ...[...byOrigin].map(([origin, sessions]) =>
      element(
        "section",
        { className: "origin" },
        element("h2", {}, origin),
        ...sessions.map((entry) => {
          const refresh = element("button", { type: "button", className: "refresh", textContent: "Refresh" });
          refresh.setAttribute("aria-label", `Refresh ${entry.sessionKey} on ${origin}`);
          refresh.addEventListener("click", () => actions.refresh(entry));
          const logout = element("button", { type: "button", className: "logout", textContent: "Log out" });
          logout.setAttribute("aria-label", `Log out ${entry.sessionKey} on ${origin}`);
          logout.addEventListener("click", () => actions.logout(entry));
          const user = element("span", { title: entry.session.userId }, `user ${shorten(entry.session.userId)}`);
          return element(
            "article",
            { className: "session" },
            element("div", { className: "key" }, entry.sessionKey, entry.active ? element("span", { className: "badge" }, "active") : ""),
            element("div", { className: "meta" }, user, element("span", { className: "expiry" }, remaining(entry.session.expiry))),
            element("div", { className: "actions" }, refresh, logout),
          );
        }),
      ),
    ),
  );
}
