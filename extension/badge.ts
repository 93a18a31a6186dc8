/** The toolbar badge: a red "!" while any session's last refresh failed. */
import browser from "webextension-polyfill";

let shown: number | undefined;

/** Updates the badge when the count of failed sessions changed (it is asked after every refresh). */
export async function showRefreshFailures(count: number): Promise<void> {
  if (count === shown) return;
  shown = count;
  await browser.action.setBadgeBackgroundColor({ color: "#d93025" }).catch(() => undefined);
  await browser.action.setBadgeText({ text: count > 0 ? "!" : "" }).catch(() => undefined);
  await browser.action
    .setTitle({ title: count > 0 ? `Turnkey Session Vault: ${count} session refresh${count === 1 ? "" : "es"} failed` : "Turnkey Session Vault" })
    .catch(() => undefined);
}
