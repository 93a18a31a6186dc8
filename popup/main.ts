/**
 * The popup: the vault's sessions with Refresh, Log out and Refresh all, a settings view, and
 * live updates while it is open (change notices from the background, a countdown every second).
 */
import { TurnkeyError } from "../shared/errors.ts";
import type { SessionEntry } from "../shared/protocol.ts";
import { handleSessionClicks, renderSessions, tickCountdowns, titleOnHover } from "./session-list.ts";
import { renderSettings } from "./settings-view.ts";
import { connectToVault } from "./vault-connection.ts";

const main = document.querySelector<HTMLElement>("#main")!;
const notice = document.querySelector<HTMLElement>("#notice")!;
const refreshAllButton = document.querySelector<HTMLButtonElement>("#refresh-all")!;
const settingsButton = document.querySelector<HTMLButtonElement>("#open-settings")!;
let view: "sessions" | "settings" = "sessions";

const vault = connectToVault(() => {
  if (view === "sessions") void showSessions();
});

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows a short message under the toolbar for a few seconds. */
function say(text: string, isError = false): void {
  notice.textContent = text;
  notice.className = isError ? "notice error" : "notice";
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (notice.hidden = true), isError ? 8_000 : 4_000);
}

const describe = (error: unknown) => (error instanceof TurnkeyError ? `${error.code}: ${error.message}` : String(error));

async function showSessions(): Promise<void> {
  view = "sessions";
  settingsButton.setAttribute("aria-pressed", "false");
  const entries = await vault().listSessions();
  refreshAllButton.disabled = entries.length === 0;
  if (view !== "sessions") return;
  renderSessions(main, entries);
}

const actions = {
  async refresh(entry: SessionEntry) {
    await vault().refreshSession(entry.origin, entry.sessionKey).then(
      () => say(`Refreshed ${entry.sessionKey}.`),
      (error) => say(`Refresh failed: ${describe(error)}`, true),
    );
    await showSessions();
  },
  async logout(entry: SessionEntry) {
    await vault().logout(entry.origin, entry.sessionKey).then(
      () => say(`Logged out ${entry.sessionKey} on ${entry.origin}.`),
      (error) => say(describe(error), true),
    );
    await showSessions();
  },
  copy(label: string, value: string) {
    void navigator.clipboard.writeText(value).then(() => say(`${label} id copied.`), () => say(`Could not copy the ${label.toLowerCase()} id.`, true));
  },
};

handleSessionClicks(main, actions);
titleOnHover(main);

refreshAllButton.addEventListener("click", async () => {
  const entries = (await vault().listSessions()).filter((entry) => entry.state !== "expired");
  const results = await Promise.allSettled(entries.map((entry) => vault().refreshSession(entry.origin, entry.sessionKey)));
  const failed = results.filter((result) => result.status === "rejected").length;
  say(failed === 0 ? `Refreshed ${entries.length} session${entries.length === 1 ? "" : "s"}.` : `${failed} of ${entries.length} refreshes failed.`, failed > 0);
  await showSessions();
});

settingsButton.addEventListener("click", async () => {
  if (view === "settings") return showSessions();
  view = "settings";
  settingsButton.setAttribute("aria-pressed", "true");
  renderSettings(
    main,
    await vault().getSettings(),
    async (update) => vault().saveSettings(update).then(() => undefined, describe),
    () => void showSessions(),
  );
});

setInterval(() => {
  if (view === "sessions" && tickCountdowns()) void showSessions();
}, 1_000);

void showSessions();
