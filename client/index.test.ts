/** `getSessionVault`: found at once, found when it announces itself late, or `undefined` after the timeout. */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { FakeVault, installTestWindow, type TestWindow } from "./fake-vault.fixture.ts";
import { getSessionVault } from "./index.ts";

let win: TestWindow;
beforeAll(() => (win = installTestWindow()));
afterEach(() => {
  delete win.turnkeySession;
  vi.useRealTimers();
});

describe("getSessionVault", () => {
  test("returns window.turnkeySession when it is there", async () => {
    const vault = new FakeVault();
    win.turnkeySession = vault;
    expect(await getSessionVault()).toBe(vault);
  });

  test("asks with turnkeySession:request and takes the provider of the announce that answers", async () => {
    const vault = new FakeVault();
    const onRequest = () => win.dispatchEvent(new CustomEvent("turnkeySession:announce", { detail: { info: { name: "x" }, provider: vault } }));
    win.addEventListener("turnkeySession:request", onRequest);
    try {
      expect(await getSessionVault({ timeoutMs: 5_000 })).toBe(vault);
    } finally {
      win.removeEventListener("turnkeySession:request", onRequest);
    }
  });

  test("ignores an announce whose provider is not a vault, and resolves undefined once timeoutMs has passed", async () => {
    vi.useFakeTimers();
    const found = getSessionVault({ timeoutMs: 300 });
    win.dispatchEvent(new CustomEvent("turnkeySession:announce", { detail: { provider: { stamp: "not a function" } } }));
    let settled = false;
    void found.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(299);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await found).toBeUndefined();
  });

  test("refuses a timeout that is not a number of milliseconds", () => {
    for (const timeoutMs of [-1, Number.NaN, Infinity, "100" as unknown as number]) {
      expect(() => getSessionVault({ timeoutMs })).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
    }
  });
});
