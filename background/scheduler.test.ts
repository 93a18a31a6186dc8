import { beforeEach, describe, expect, it } from "vitest";
import { memoryStore } from "../extension/memory-store.ts";
import type { Session } from "../shared/protocol.ts";
import { heldLater, type HeldLater } from "./after-answer.fixture.ts";
import { RefreshStatuses } from "./refresh-statuses.ts";
import type { Refresher } from "./refresh.ts";
import { Scheduler } from "./scheduler.ts";
import { defaultSettings } from "./settings.ts";
import { ORIGIN, tokenFor, vaultFixture, type VaultFixture } from "./vault.fixture.ts";

/** An alarm whose `set` calls settle when the test says so (or at once, when `auto`). */
class HeldAlarm {
  sets: (number | undefined)[] = [];
  auto = true;
  private pending: (() => void)[] = [];

  set = (when: number | undefined): Promise<void> => {
    this.sets.push(when);
    if (this.auto) return Promise.resolve();
    return new Promise<void>((resolve) => this.pending.push(resolve));
  };

  settleAll(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

let f: VaultFixture;
let alarm: HeldAlarm;
let scheduler: Scheduler;
let later: HeldLater;

beforeEach(async () => {
  f = await vaultFixture();
  alarm = new HeldAlarm();
  later = heldLater();
  const refresher = { isRefreshing: () => false, refresh: async () => undefined } as unknown as Refresher;
  scheduler = new Scheduler({
    vault: f.vault,
    refresher,
    statuses: new RefreshStatuses(memoryStore()),
    settings: async () => defaultSettings("https://api.turnkey.com"),
    alarm,
    now: () => f.clock.now,
    emit: () => undefined,
    later: later.run,
  });
});

/** Stores a session of `seconds` under `sessionKey`; resolves it. */
async function store(sessionKey: string, seconds: number): Promise<Session> {
  const publicKey = await f.vault.createApiKeyPair(ORIGIN);
  await f.vault.storeSession(ORIGIN, { sessionToken: tokenFor(publicKey, f.clock, seconds), sessionKey });
  return (await f.vault.getSession(ORIGIN, sessionKey))!;
}

/** Due time under the default settings: 60 s before expiry. */
const dueOf = (session: Session) => session.expiry * 1000 - 60_000;

/** Starts `armFor` with the alarm held; resolves whether it settled before the alarm did. */
async function settlesBeforeTheAlarm(session: Session): Promise<{ early: boolean; done: Promise<void> }> {
  alarm.auto = false;
  let settled = false;
  const done = scheduler.armFor(session).then(() => void (settled = true));
  await expect.poll(() => alarm.sets.length).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { early: settled, done };
}

describe("Scheduler.armFor (the re-arm a store or refresh waits for)", () => {
  it("waits for the re-arm while no armed alarm is known (a new worker)", async () => {
    const session = await store("a", 900);
    const { early, done } = await settlesBeforeTheAlarm(session);
    expect(early).toBe(false);
    alarm.settleAll();
    await done;
    expect(alarm.sets).toEqual([dueOf(session)]);
  });

  it("resolves at once when the armed alarm fires no later than the new session needs, and still re-arms", async () => {
    const soon = await store("soon", 900);
    await scheduler.reschedule();
    expect(alarm.sets).toEqual([dueOf(soon)]);

    const later = await store("later", 3600);
    const { early, done } = await settlesBeforeTheAlarm(later);
    expect(early).toBe(true);
    await done;
    expect(alarm.sets).toEqual([dueOf(soon), dueOf(soon)]);
    alarm.settleAll();
  });

  it("then leaves the re-arm until after the caller's answer", async () => {
    const soon = await store("soon", 900);
    await scheduler.reschedule();
    const later_ = await store("later", 3600);
    later.held = true;
    await scheduler.armFor(later_);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alarm.sets).toEqual([dueOf(soon)]);
    later.flush();
    await expect.poll(() => alarm.sets).toEqual([dueOf(soon), dueOf(soon)]);
  });

  it("waits when the armed alarm would fire after the new session is due", async () => {
    const later = await store("later", 3600);
    await scheduler.reschedule();

    const soon = await store("soon", 900);
    const { early, done } = await settlesBeforeTheAlarm(soon);
    expect(early).toBe(false);
    alarm.settleAll();
    await done;
    expect(alarm.sets).toEqual([dueOf(later), dueOf(soon)]);
  });

  it("waits once the armed alarm's time has passed (it fired, or is about to)", async () => {
    const first = await store("first", 900);
    await scheduler.reschedule();
    f.clock.now = dueOf(first) + 1_000;

    const next = await store("next", 3600);
    const { early, done } = await settlesBeforeTheAlarm(next);
    expect(early).toBe(false);
    alarm.settleAll();
    await done;
  });
});
