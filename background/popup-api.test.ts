import { beforeEach, describe, expect, it } from "vitest";
import { memoryStore } from "../extension/memory-store.ts";
import { createPopupApi } from "./popup-api.ts";
import { RefreshStatuses } from "./refresh-statuses.ts";
import type { Refresher } from "./refresh.ts";
import { defaultSettings, Settings } from "./settings.ts";
import { ORIGIN, tokenFor, vaultFixture, type VaultFixture } from "./vault.fixture.ts";

let f: VaultFixture;
let statuses: RefreshStatuses;
let refreshing: Set<string>;

beforeEach(async () => {
  f = await vaultFixture();
  statuses = new RefreshStatuses(memoryStore());
  refreshing = new Set();
});

const popupApi = () =>
  createPopupApi({
    vault: f.vault,
    refresher: { isRefreshing: (_origin: string, sessionKey: string) => refreshing.has(sessionKey) } as unknown as Refresher,
    settings: new Settings(memoryStore(), defaultSettings("https://api.turnkey.com")),
    statuses,
    now: () => f.clock.now,
    settingsSaved: () => undefined,
  });

async function store(sessionKey: string, seconds: number): Promise<void> {
  const publicKey = await f.vault.createApiKeyPair(ORIGIN);
  await f.vault.storeSession(ORIGIN, { sessionToken: tokenFor(publicKey, f.clock, seconds), sessionKey });
}

describe("listSessions", () => {
  it("gives each session its state: active, refreshing, refresh-failed, expired", async () => {
    await store("ok", 900);
    await store("busy", 900);
    await store("failed", 900);
    await store("old", 60);
    refreshing.add("busy");
    const lastError = { code: "REFRESH_SESSION_ERROR", message: "Turnkey said no" };
    await statuses.update(ORIGIN, "failed", (status) => ({ ...status, failures: 1, lastError }));
    f.clock.now += 120_000;

    const entries = await popupApi().listSessions();
    expect(entries.map((e) => [e.sessionKey, e.state, e.lastError?.code])).toEqual([
      ["ok", "active", undefined],
      ["busy", "refreshing", undefined],
      ["failed", "refresh-failed", "REFRESH_SESSION_ERROR"],
      ["old", "expired", undefined],
    ]);
    expect(entries.map((e) => e.selected)).toEqual([false, false, false, true]);
    for (const entry of entries) {
      expect(entry.origin).toBe(ORIGIN);
      expect(entry.session).not.toHaveProperty("token");
    }
  });

  it("is empty with no sessions", async () => {
    expect(await popupApi().listSessions()).toEqual([]);
  });
});
