/** The one `chrome.alarms` alarm the scheduler arms, as an `AlarmClock`. */
import browser from "webextension-polyfill";

export function alarmClock(name: string) {
  return {
    async set(when: number | undefined): Promise<void> {
      if (when === undefined) await browser.alarms.clear(name);
      else await browser.alarms.create(name, { when });
    },
  };
}
