/**
 * The refresh status of each session (failures in a row, next retry, last error, last
 * `sessionExpiring` warning), kept in `storage.session` so a restarted worker keeps its backoff
 * and the popup can say why a refresh failed. Not in `storage.local`: it is not the vault's
 * data, and a failed refresh must leave that unchanged.
 */
import type { KeyValueStore } from "../extension/key-value-store.ts";
import type { RefreshStatus } from "./refresh-plan.ts";

const STORAGE_KEY = "refresh-status";

export const slotOf = (origin: string, sessionKey: string) => `${origin}\n${sessionKey}`;

export class RefreshStatuses {
  private statuses: Promise<Map<string, RefreshStatus>> | undefined;

  constructor(private readonly store: KeyValueStore) {}

  async get(origin: string, sessionKey: string): Promise<RefreshStatus | undefined> {
    return (await this.load()).get(slotOf(origin, sessionKey));
  }

  /** Every session's status by `slotOf(origin, sessionKey)`, read at once (the popup's list reads them all). */
  async all(): Promise<ReadonlyMap<string, RefreshStatus>> {
    return this.load();
  }

  /** How many sessions' last refresh failed (for the toolbar badge). */
  async failedCount(): Promise<number> {
    return [...(await this.load()).values()].filter((status) => status.lastError !== undefined).length;
  }

  async update(origin: string, sessionKey: string, change: (status: RefreshStatus) => RefreshStatus | undefined): Promise<void> {
    const statuses = await this.load();
    const slot = slotOf(origin, sessionKey);
    const previous = statuses.get(slot);
    const next = change(previous ?? { failures: 0 });
    // A successful refresh of a session that never failed changes nothing: no write.
    if (next === undefined && previous === undefined) return;
    if (next === undefined) statuses.delete(slot);
    else statuses.set(slot, next);
    await this.store.set({ [STORAGE_KEY]: Object.fromEntries(statuses) }).catch(() => undefined);
  }

  /** Forgets sessions that no longer exist. */
  async retain(slots: Set<string>): Promise<void> {
    const statuses = await this.load();
    const stale = [...statuses.keys()].filter((slot) => !slots.has(slot));
    if (stale.length === 0) return;
    for (const slot of stale) statuses.delete(slot);
    await this.store.set({ [STORAGE_KEY]: Object.fromEntries(statuses) }).catch(() => undefined);
  }

  private load(): Promise<Map<string, RefreshStatus>> {
    this.statuses ??= this.store
      .get(STORAGE_KEY)
      .then((stored) => new Map(Object.entries((stored ?? {}) as Record<string, RefreshStatus>)))
      .catch(() => new Map());
    return this.statuses;
  }
}
