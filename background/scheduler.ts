/**
 * Automatic refresh on a `chrome.alarms` timer (docs/api.md#automatic-refresh).
 *
 * One alarm, set for the next moment any session needs attention. When it fires, a pass plans
 * every session (`planSession`): refreshes those due through the same single-flight path the
 * pages use, with the session's original duration; warns tabs of sessions about to expire when
 * auto-refresh is off; clears expired sessions with `sessionExpired`. A failed automatic refresh
 * is retried with exponential backoff until the session expires. The alarm is re-armed after
 * every pass and whenever the vault or the settings change, and checked at every worker start.
 * A stored or refreshed session waits for that re-arm only when the armed alarm would fire too
 * late for it (`armFor`).
 */
import type { Session, VaultEvent, VaultSettings } from "../shared/protocol.ts";
import { toTurnkeyError } from "../shared/errors.ts";
import { afterAnswer, type Later } from "./after-answer.ts";
import { coalesce } from "./coalesce.ts";
import { planSession, retryDelay } from "./refresh-plan.ts";
import { slotOf, type RefreshStatuses } from "./refresh-statuses.ts";
import type { Refresher } from "./refresh.ts";
import type { Vault } from "./vault.ts";

export const REFRESH_ALARM = "turnkey-vault/refresh";
/** Refreshes a pass runs at once: enough to finish hundreds of sessions, few enough not to flood Turnkey. */
const PARALLEL_REFRESHES = 4;
/** Alarms closer together than this are merged. */
const MIN_ALARM_GAP_MS = 1_000;

export interface AlarmClock {
  /** Arms the alarm for `when` (ms), or clears it. */
  set(when: number | undefined): Promise<void>;
}

export interface SchedulerDeps {
  vault: Vault;
  refresher: Refresher;
  statuses: RefreshStatuses;
  settings: () => Promise<VaultSettings>;
  alarm: AlarmClock;
  now: () => number;
  emit: (origin: string, event: VaultEvent) => void;
  /** Runs a re-arm that a store or refresh need not wait for; default `afterAnswer`. */
  later?: Later;
}

async function inPool(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  const queue = [...tasks];
  await Promise.all(Array.from({ length: Math.min(width, queue.length) }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  }));
}

export class Scheduler {
  /** Runs a pass now; a call during a pass runs one more after it. */
  readonly run = coalesce(() => this.runPass());
  /** Re-arms the alarm for the next session that needs attention (coalesced). */
  readonly reschedule = coalesce(() => this.arm());
  /**
   * When the alarm this worker armed fires (ms); `undefined` while unknown: before the first
   * re-arm, during one, or when cleared. Once its time has passed it has fired (or is about to),
   * and its pass re-arms. A new worker re-arms from storage.
   */
  private armedAt: number | undefined;

  constructor(private readonly deps: SchedulerDeps) {}

  /**
   * Re-arms for a session just stored or refreshed; resolves once the alarm fires no later than
   * that session needs it. An alarm already armed to fire earlier (and not yet fired) is soon
   * enough, since its pass re-arms from every session: then this resolves at once and the
   * re-arm, which only tightens the alarm, runs once the caller has its answer (`later`).
   */
  async armFor(session: Session): Promise<void> {
    const now = this.deps.now();
    // No status: a session that just succeeded has none, and without one its plan is the earliest.
    const plan = planSession({ session, apiBaseUrl: "", storedAt: now }, undefined, await this.deps.settings(), now);
    const needed = plan.action === "wait" ? plan.until : now;
    const armedAt = this.armedAt;
    if (armedAt !== undefined && now < armedAt && armedAt <= needed) {
      (this.deps.later ?? afterAnswer)(() => void this.reschedule().catch(() => undefined));
      return;
    }
    await this.reschedule();
  }

  private async runPass(): Promise<void> {
    const { vault, statuses, emit } = this.deps;
    const settings = await this.deps.settings();
    const now = this.deps.now();
    const entries = await vault.listStored();
    const refreshes: (() => Promise<void>)[] = [];
    for (const { origin, sessionKey, stored } of entries) {
      const plan = planSession(stored, await statuses.get(origin, sessionKey), settings, now);
      if (plan.action === "expire") {
        await vault.clearSession(origin, sessionKey, "sessionExpired");
      } else if (plan.action === "warn") {
        emit(origin, { type: "sessionExpiring", detail: { sessionKey, expiry: stored.session.expiry } });
        await statuses.update(origin, sessionKey, (status) => ({ ...status, warnedExpiry: stored.session.expiry }));
      } else if (plan.action === "refresh" && !this.deps.refresher.isRefreshing(origin, sessionKey)) {
        // A refresh already in flight (a page's, the popup's) will re-arm the alarm when it ends.
        refreshes.push(() => this.refresh(origin, sessionKey, plan.expirationSeconds));
      }
    }
    await inPool(refreshes, PARALLEL_REFRESHES);
    await statuses.retain(new Set((await vault.listStored()).map((entry) => slotOf(entry.origin, entry.sessionKey))));
    await this.reschedule();
  }

  private async refresh(origin: string, sessionKey: string, expirationSeconds: string): Promise<void> {
    try {
      await this.deps.refresher.refresh(origin, { sessionKey, expirationSeconds, invalidateExisting: false, stampWith: "api-key" });
    } catch (error) {
      const failedAt = this.deps.now();
      const { code, message } = toTurnkeyError(error);
      await this.deps.statuses.update(origin, sessionKey, (status) => {
        const failures = status.failures + 1;
        return { ...status, failures, retryAt: failedAt + retryDelay(failures), lastError: { code, message } };
      });
    }
  }

  private async arm(): Promise<void> {
    this.armedAt = undefined;
    const settings = await this.deps.settings();
    const now = this.deps.now();
    let next: number | undefined;
    for (const { origin, sessionKey, stored } of await this.deps.vault.listStored()) {
      const plan = planSession(stored, await this.deps.statuses.get(origin, sessionKey), settings, now);
      const at = plan.action === "wait" ? plan.until : now;
      next = next === undefined ? at : Math.min(next, at);
    }
    const when = next === undefined ? undefined : Math.max(next, now + MIN_ALARM_GAP_MS);
    await this.deps.alarm.set(when);
    this.armedAt = when;
  }
}
