/**
 * Vault settings (docs/api.md#settings): kept in storage under `settings`, read through
 * a cache that `save` keeps current, so a saved change applies to the next call without a reload.
 */
import type { KeyValueStore } from "../extension/key-value-store.ts";
import { TurnkeyError } from "../shared/errors.ts";
import { DEFAULT_EXPIRATION_SECONDS, type VaultSettings } from "../shared/protocol.ts";
import * as validate from "../shared/validate.ts";

export const SETTINGS_STORAGE_KEY = "settings";
export const MAX_REQUEST_TIMEOUT_MS = 30_000;

export function defaultSettings(apiBaseUrl: string): VaultSettings {
  return { apiBaseUrl, defaultExpirationSeconds: DEFAULT_EXPIRATION_SECONDS, autoRefresh: true, refreshLeadSeconds: 60, requestTimeoutMs: MAX_REQUEST_TIMEOUT_MS };
}

/** Checks a partial update; unknown keys and out-of-range values fail with `VALIDATION_ERROR`. */
export function validateSettings(update: unknown, base: VaultSettings): VaultSettings {
  if (typeof update !== "object" || update === null || Array.isArray(update)) throw new TurnkeyError("settings must be an object", "VALIDATION_ERROR");
  const next = { ...base };
  for (const [key, value] of Object.entries(update)) {
    switch (key) {
      case "apiBaseUrl":
        next.apiBaseUrl = validate.apiBaseUrl(value);
        break;
      case "defaultExpirationSeconds":
        next.defaultExpirationSeconds = validate.expirationSeconds(value);
        break;
      case "autoRefresh":
        if (typeof value !== "boolean") throw new TurnkeyError("autoRefresh must be a boolean", "VALIDATION_ERROR");
        next.autoRefresh = value;
        break;
      case "refreshLeadSeconds":
        if (!Number.isSafeInteger(value) || (value as number) < 5 || (value as number) > 3600) {
          throw new TurnkeyError("refreshLeadSeconds must be a whole number from 5 to 3600", "VALIDATION_ERROR");
        }
        next.refreshLeadSeconds = value as number;
        break;
      case "requestTimeoutMs":
        if (!Number.isSafeInteger(value) || (value as number) < 100 || (value as number) > MAX_REQUEST_TIMEOUT_MS) {
          throw new TurnkeyError(`requestTimeoutMs must be a whole number from 100 to ${MAX_REQUEST_TIMEOUT_MS}`, "VALIDATION_ERROR");
        }
        next.requestTimeoutMs = value as number;
        break;
      default:
        throw new TurnkeyError(`unknown setting "${key}"`, "VALIDATION_ERROR");
    }
  }
  return next;
}

export class Settings {
  private cached: Promise<VaultSettings> | undefined;

  constructor(
    private readonly store: KeyValueStore,
    private readonly defaults: VaultSettings,
  ) {}

  get(): Promise<VaultSettings> {
    this.cached ??= this.store.get(SETTINGS_STORAGE_KEY).then(
      (stored) => {
        try {
          return stored === undefined ? this.defaults : validateSettings(stored, this.defaults);
        } catch {
          return this.defaults; // unreadable settings: fall back rather than break the vault
        }
      },
      (error: unknown) => {
        this.cached = undefined;
        throw error;
      },
    );
    return this.cached;
  }

  async save(update: unknown): Promise<VaultSettings> {
    const next = validateSettings(update, await this.get());
    await this.store.set({ [SETTINGS_STORAGE_KEY]: next });
    this.cached = Promise.resolve(next);
    return next;
  }
}
