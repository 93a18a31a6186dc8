/**
 * The version of the vault's stored format, and the way from older ones.
 *
 * Storage holds `schema: { version }` beside the records (each record also carries `v`). On
 * the first read after a start, data of an older version is migrated step by step, each step
 * written before the next, so a worker killed halfway resumes from the step it reached. Data
 * written by a newer vault is not touched: the vault refuses to work on it rather than risk
 * destroying keys it does not understand (a downgrade; re-install the newer version).
 */
import type { KeyValueStore } from "../extension/key-value-store.ts";
import { TurnkeyError } from "../shared/errors.ts";

export const SCHEMA_KEY = "schema";
export const CURRENT_SCHEMA_VERSION = 1;

/** Turns the items of version n into those of n + 1. */
export type Migration = (items: Readonly<Record<string, unknown>>) => { set: Record<string, unknown>; remove: string[] };

/** `MIGRATIONS[n]` migrates version n to n + 1. Version 1 is the first; none exist yet. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

function storedVersion(items: Record<string, unknown>): number | undefined {
  const version = (items[SCHEMA_KEY] as { version?: unknown } | undefined)?.version;
  return typeof version === "number" && Number.isSafeInteger(version) && version >= 1 ? version : undefined;
}

/** Brings `items` (everything in the store) to `current`, writing each step; returns the new items. */
export async function migrateStorage(
  store: KeyValueStore,
  items: Record<string, unknown>,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
  current = CURRENT_SCHEMA_VERSION,
): Promise<Record<string, unknown>> {
  const found = storedVersion(items);
  // No marker: a fresh store, or data from before the marker existed, which is version 1.
  let version = found ?? 1;
  if (version > current) {
    throw new TurnkeyError(`The vault's storage was written by a newer version (format ${version}, this one reads ${current})`, "API_KEY_STORAGE_UNAVAILABLE");
  }
  let migrated = { ...items };
  while (version < current) {
    const step = migrations[version];
    if (!step) throw new TurnkeyError(`No migration from storage format ${version}`, "API_KEY_STORAGE_UNAVAILABLE");
    const { set, remove } = step(migrated);
    version += 1;
    await store.set({ ...set, [SCHEMA_KEY]: { version } });
    await store.remove(remove);
    for (const key of remove) delete migrated[key];
    migrated = { ...migrated, ...set, [SCHEMA_KEY]: { version } };
  }
  if (found === undefined) {
    await store.set({ [SCHEMA_KEY]: { version } });
    migrated[SCHEMA_KEY] = { version };
  }
  return migrated;
}
