/**
 * The popup with a long list: 60 sessions of two origins, of both session types, three lengths,
 * one active per origin. Every card must show its own session (the popup fills a cloned card
 * per session, and skips laying out groups and cards off screen), its key and ids get their
 * tooltips on hover, and Refresh and Log out on a card far down the list must act on that
 * session and no other.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures.ts";
import { value, vaultStorage } from "../support/vault-calls.ts";

const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const PER_ORIGIN = 30;
/** Countdown formats by session length: 15 min, 2 h, 3 days. */
const LENGTHS = [
  { seconds: 900, countdown: /^1[45]:\d\d$/ },
  { seconds: 7_200, countdown: /^(1 h \d\d|2 h 00) min$/ },
  { seconds: 3 * 86_400, countdown: /^(2 d 23|3 d 0) h$/ },
];

interface Expected {
  origin: string;
  sessionKey: string;
  userId: string;
  organizationId: string;
  readOnly: boolean;
  countdown: RegExp;
  selected: boolean;
}

/** What every card shows, read from the DOM (content skipped for layout is still in it). */
function readCards(popup: Page) {
  return popup.locator("section.origin").evaluateAll((sections) =>
    sections.flatMap((section) =>
      [...section.querySelectorAll("article.session")].map((card) => {
        const ids = [...card.querySelectorAll<HTMLButtonElement>(".ids button")];
        const [refresh, logout] = [...card.querySelectorAll<HTMLButtonElement>(".actions button")];
        return {
          origin: section.getAttribute("aria-label"),
          heading: section.querySelector("h2")?.textContent,
          sessionKey: card.getAttribute("data-session-key"),
          label: card.getAttribute("aria-label"),
          state: card.getAttribute("data-state"),
          className: card.className,
          key: card.querySelector(".session-key")?.textContent,
          keyTitle: card.querySelector(".session-key")?.getAttribute("title"),
          selected: card.querySelector(".chip.selected")?.textContent ?? null,
          stateChip: card.querySelector(".chip.state")?.textContent,
          ids: ids.map((button) => ({ shown: `${getComputedStyle(button, "::before").content} ${button.textContent}`, label: button.getAttribute("aria-label") })),
          type: card.querySelector(".meta span")?.textContent,
          countdown: card.querySelector(".countdown")?.textContent ?? "",
          reason: card.querySelector(".reason")?.textContent ?? null,
          refresh: { label: refresh?.getAttribute("aria-label"), disabled: refresh?.disabled, text: refresh?.textContent },
          logout: { label: logout?.getAttribute("aria-label"), text: logout?.textContent },
        };
      }),
    ),
  );
}

const short = (id: string) => `${id.slice(0, 6)}…${id.slice(-6)}`;

test.beforeEach(({ standin }) => standin.reset());

test("60 sessions: every card shows its own session; Refresh and Log out far down the list act on theirs", async ({ vault, standin, dappServer, openDapp }, testInfo) => {
  const expected: Expected[] = [];
  for (const origin of dappServer.origins) {
    const page = await openDapp(vault, origin);
    for (let i = 0; i < PER_ORIGIN; i++) {
      const sessionKey = `s-${String(i).padStart(2, "0")}`;
      const readOnly = i % 3 === 1;
      const length = LENGTHS[i % LENGTHS.length]!;
      const publicKey = await value<string>(page, "createApiKeyPair");
      const minted = standin.mint({ publicKey, expirationSeconds: length.seconds, sessionType: readOnly ? "SESSION_TYPE_READ_ONLY" : "SESSION_TYPE_READ_WRITE" });
      await value(page, "storeSession", { sessionToken: minted.session, apiBaseUrl: standin.url, sessionKey });
      expected.push({ origin, sessionKey, userId: minted.userId, organizationId: minted.organizationId, readOnly, countdown: length.countdown, selected: false });
    }
    // storeSession makes each new session active; pick one in the middle instead.
    await value(page, "setActiveSession", { sessionKey: "s-07" });
    expected.find((e) => e.origin === origin && e.sessionKey === "s-07")!.selected = true;
  }

  const popup = await vault.context.newPage();
  await popup.setViewportSize({ width: 360, height: 600 });
  await popup.goto(vault.popupUrl);
  await expect(popup.locator("article.session")).toHaveCount(2 * PER_ORIGIN);

  const cards = await readCards(popup);
  expect(cards.map((c) => `${c.origin} ${c.sessionKey}`)).toEqual(expected.map((e) => `${e.origin} ${e.sessionKey}`));
  cards.forEach((card, i) => {
    const e = expected[i]!;
    const name = `${e.sessionKey} on ${e.origin}`;
    expect(card, name).toEqual({
      origin: e.origin,
      heading: e.origin,
      sessionKey: e.sessionKey,
      label: name,
      state: "active",
      className: "session",
      key: e.sessionKey,
      keyTitle: null, // written when the pointer comes over it (below)
      selected: e.selected ? "in use" : null,
      stateChip: "Active",
      ids: [
        { shown: `"User" ${short(e.userId)}`, label: `Copy user ${e.userId}` },
        { shown: `"Org" ${short(e.organizationId)}`, label: `Copy org ${e.organizationId}` },
      ],
      type: e.readOnly ? "Read-only" : "Read-write",
      countdown: expect.stringMatching(e.countdown),
      reason: null,
      refresh: { label: `Refresh ${name}`, disabled: false, text: "Refresh" },
      logout: { label: `Log out ${name}`, text: "Log out" },
    });
  });
  await popup.screenshot({ path: testInfo.outputPath("popup-long-list.png") });

  // Tooltips: a card's key and ids get theirs (the full value) once the pointer is over them.
  const [, originB] = dappServer.origins;
  const card = (sessionKey: string) => popup.getByRole("region", { name: originB }).locator(`article[data-session-key="${sessionKey}"]`);
  const far = expected.find((e) => e.origin === originB && e.sessionKey === "s-22")!;
  for (const [selector, title] of [
    [".session-key", far.sessionKey],
    ['[data-action="copy-User"]', `${far.userId} (click to copy)`],
    ['[data-action="copy-Org"]', `${far.organizationId} (click to copy)`],
  ] as const) {
    await card(far.sessionKey).locator(selector).hover();
    await expect(card(far.sessionKey).locator(selector)).toHaveAttribute("title", title);
  }

  // Far down the list (the second origin's group, laid out only once scrolled to): a failed refresh.
  standin.inject({ path: STAMP_LOGIN, status: 500 });
  await card("s-25").getByRole("button", { name: `Refresh s-25 on ${originB}` }).click();
  await expect(card("s-25")).toHaveAttribute("data-state", "refresh-failed");
  await expect(card("s-25").locator(".reason")).toContainText("REFRESH_SESSION_ERROR");
  expect(standin.requests({ path: STAMP_LOGIN })).toHaveLength(1);
  const failed = (await readCards(popup)).filter((c) => c.state !== "active").map((c) => `${c.origin} ${c.sessionKey} ${c.state} ${c.stateChip}`);
  expect(failed).toEqual([`${originB} s-25 refresh-failed Refresh failed`]);

  // Log out another session down there: only it goes, with its key pair.
  const loggedOut = expected.find((e) => e.origin === originB && e.sessionKey === "s-19")!;
  const sessionsBefore = await value<Record<string, { publicKey: string }>>(await openDapp(vault, originB), "getAllSessions");
  await card("s-19").getByRole("button", { name: `Log out s-19 on ${originB}` }).click();
  await expect(popup.locator("article.session")).toHaveCount(2 * PER_ORIGIN - 1);
  await expect(card("s-19")).toHaveCount(0);
  const storage = await vaultStorage(vault);
  const remaining = (storage[`origin:${originB}`] as { sessions: Record<string, unknown> }).sessions;
  expect(Object.keys(remaining).sort()).toEqual(expected.filter((e) => e.origin === originB && e !== loggedOut).map((e) => e.sessionKey));
  expect(storage[`keypair:${sessionsBefore["s-19"]!.publicKey}`]).toBeUndefined();
  expect((await readCards(popup)).map((c) => `${c.origin} ${c.sessionKey}`)).toEqual(expected.filter((e) => e !== loggedOut).map((e) => `${e.origin} ${e.sessionKey}`));
});
