/**
 * Origins and events in Firefox ESR: two origins and a cross-origin iframe each get their own
 * vault; a sandboxed frame (opaque origin) gets none; vault events reach every tab of the
 * session's origin and no other (the calling tab before its call resolves), also after the
 * background was terminated (the listening tab is then reached through `tabs.sendMessage`, not
 * its old port). As the Chromium specs origin-isolation and events, with puppeteer's frames.
 */
import type { Frame, Page } from "puppeteer-core";
import { describe, expect, it } from "vitest";
import { useFirefoxVault } from "../support/firefox-fixture.ts";
import { until } from "../support/firefox.ts";
import { call, login, recordEvents, value, type RecordedEvent } from "../support/vault-calls.ts";

const ff = useFirefoxVault();

/** Adds an iframe of `src` (with `sandbox` if given) to `page` and waits for its document. */
async function embed(page: Page, src: string, sandbox?: string): Promise<Frame> {
  await page.evaluate(
    ([src, sandbox]) => {
      const frame = document.createElement("iframe");
      if (sandbox !== undefined) frame.setAttribute("sandbox", sandbox);
      frame.src = src;
      document.body.append(frame);
      return new Promise((resolve) => frame.addEventListener("load", resolve));
    },
    [src, sandbox] as const,
  );
  return until(async () => page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(src.split("?")[0]!)), `the frame ${src}`);
}

const hasVault = (frame: Frame) => until(() => frame.evaluate(() => !!(window as { turnkeySession?: unknown }).turnkeySession), "window.turnkeySession in the frame");

describe("Firefox: origin isolation", () => {
  it("two origins and a cross-origin iframe each see only their own sessions", async () => {
    const page = await ff.openDapp(0);
    const other = await ff.openDapp(1);
    const frame = await embed(page, ff.dappServer.url(ff.dappServer.origins[1], "/frame.html"));
    await hasVault(frame);

    const top = await login(page, ff.standin, { sessionKey: "isolated" });
    expect(await value(other, "getSession", { sessionKey: "isolated" })).toBeUndefined();
    expect(await value(frame, "getSession", { sessionKey: "isolated" })).toBeUndefined();
    const inFrame = await login(frame, ff.standin, { sessionKey: "isolated" });
    expect((await value<{ token: string }>(other, "getSession", { sessionKey: "isolated" })).token).toBe(inFrame.session); // the frame is origin 1
    expect((await value<{ token: string }>(page, "getSession", { sessionKey: "isolated" })).token).toBe(top.session);

    // Another origin cannot store a token whose key pair it does not hold.
    const steal = await call(other, "storeSession", { sessionToken: top.session, apiBaseUrl: ff.standin.url, sessionKey: "stolen" });
    expect(steal.ok ? "resolved" : steal.error.code).toBe("INVALID_REQUEST");
    await value(page, "clearSession", { sessionKey: "isolated" });
    await value(other, "clearSession", { sessionKey: "isolated" });
  });

  it("a sandboxed frame (opaque origin) gets no vault: its calls fail and store nothing", async () => {
    const page = await ff.openDapp(0);
    const before = JSON.stringify(await ff.vault.storageLocal());
    const frame = await embed(page, ff.dappServer.url(ff.dappServer.origins[0], "/frame.html"), "allow-scripts");
    expect(await frame.evaluate(() => String(origin))).toBe("null");
    const outcome = await frame.evaluate(async () => {
      const vault = (window as { turnkeySession?: { createApiKeyPair(): Promise<string> } }).turnkeySession;
      if (!vault) return "no vault";
      return Promise.race([
        vault.createApiKeyPair().then(() => "resolved", (e: { name: string; code?: string }) => `${e.name} ${e.code}`),
        new Promise((resolve) => setTimeout(() => resolve("no answer"), 5_000)),
      ]);
    });
    expect(outcome).not.toBe("resolved");
    expect(JSON.stringify(await ff.vault.storageLocal())).toBe(before);
  });
});

describe("Firefox: events", () => {
  const lifecycle = (sessionKey: string): RecordedEvent[] => [
    { type: "sessionStored", sessionKey, hasToken: true },
    { type: "sessionRefreshed", sessionKey, hasToken: true },
    { type: "sessionCleared", sessionKey, hasToken: false },
  ];

  it("reach every tab of the origin and no other", async () => {
    const tab1 = await ff.openDapp(0);
    const tab2 = await ff.openDapp(0);
    const other = await ff.openDapp(1);
    const [seen1, seen2, seenOther] = await Promise.all([recordEvents(tab1), recordEvents(tab2), recordEvents(other)]);
    // The calling tab has each call's event by the time the call resolves: it rides on the reply.
    await login(tab1, ff.standin, { sessionKey: "events" });
    expect(await seen1()).toEqual(lifecycle("events").slice(0, 1));
    await value(tab1, "refreshSession", { sessionKey: "events" });
    expect(await seen1()).toEqual(lifecycle("events").slice(0, 2));
    await value(tab1, "clearSession", { sessionKey: "events" });
    await until(async () => (await seen2()).length === 3, "three events in the second tab");
    expect(await seen1()).toEqual(lifecycle("events"));
    expect(await seen2()).toEqual(lifecycle("events"));
    expect(await seenOther()).toEqual([]);
  });

  it("after the background was terminated, a tab that only listens still gets them", async () => {
    const actor = await ff.openDapp(1);
    const listener = await ff.openDapp(1);
    const bystander = await ff.openDapp(0);
    const [seen, seenBystander] = await Promise.all([recordEvents(listener), recordEvents(bystander)]);
    await login(actor, ff.standin, { sessionKey: "after-restart" });
    await until(async () => (await seen()).length === 1, "sessionStored in the listening tab");

    await ff.vault.terminateBackground();
    await value(actor, "refreshSession", { sessionKey: "after-restart" });
    await value(actor, "clearSession", { sessionKey: "after-restart" });
    await until(async () => (await seen()).length === 3, "three events in the listening tab");
    expect(await seen()).toEqual(lifecycle("after-restart"));
    expect(await seenBystander()).toEqual([]);
  });
});
