/**
 * Smoke tests of the e2e harness itself, independent of the real extension and the stand-in:
 * a throwaway MV3 extension (a manifest, a service worker that answers messages with a
 * per-instance id, and a popup page) is written to a temp dir, loaded with `launchVault`, its
 * worker is stopped through CDP and seen to start again as a new instance. Also checks profile
 * reuse, the missing-build message, and the demo dApp server's two origins.
 */
import { test, expect } from "@playwright/test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchVault } from "../support/browser.ts";
import { startDappServer } from "../support/dapp-server.ts";

const WORKER_JS = `
self.instanceId = crypto.randomUUID();
chrome.runtime.onMessage.addListener((message, sender, reply) => { reply({ instanceId: self.instanceId }); });
`;

/** Writes a minimal MV3 extension to a new temp dir and returns the dir. */
async function writeThrowawayExtension(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tsv-throwaway-ext-"));
  const manifest = {
    manifest_version: 3, name: "Throwaway", version: "1.0",
    background: { service_worker: "worker.js" },
    action: { default_popup: "popup/index.html" },
    permissions: ["storage"],
  };
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  await writeFile(join(dir, "worker.js"), WORKER_JS);
  await mkdir(join(dir, "popup"));
  await writeFile(join(dir, "popup", "index.html"), "<!doctype html><title>Popup</title><p>popup</p>");
  return dir;
}

// What the evaluated functions below use in the extension's contexts (they run there, not here).
declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<{ instanceId: string }> };
  storage: { local: { get(key: string): Promise<object>; set(items: object): Promise<void> } };
};
const readInstanceId = () => (globalThis as unknown as { instanceId: string }).instanceId;

let extensionDir: string;
test.beforeAll(async () => { extensionDir = await writeThrowawayExtension(); });
test.afterAll(async () => { await rm(extensionDir, { recursive: true, force: true }); });

test("stops the worker through CDP and sees it start again as a new instance", async () => {
  const vault = await launchVault({ extensionDir });
  try {
    expect(vault.extensionId).toMatch(/^[a-p]{32}$/);
    expect(vault.popupUrl).toBe(`chrome-extension://${vault.extensionId}/popup/index.html`);
    const first = await vault.worker.evaluate(readInstanceId);

    await vault.stopWorker();
    expect(await vault.workerStatus()).toBe("stopped");

    // A message from an extension page wakes the worker, as it would in real use.
    const popup = await vault.context.newPage();
    await popup.goto(vault.popupUrl);
    const { instanceId } = await popup.evaluate(() => chrome.runtime.sendMessage("ping"));
    expect(instanceId).not.toBe(first);
    expect(await vault.workerStatus()).toBe("running");
    expect(await (await vault.workerHandle()).evaluate(readInstanceId)).toBe(instanceId);
    expect(await vault.worker.evaluate(readInstanceId)).toBe(instanceId); // the old handle follows
  } finally {
    await vault.close();
  }
  expect(existsSync(vault.userDataDir)).toBe(false);
});

test("workerHandle starts a stopped worker", async () => {
  const vault = await launchVault({ extensionDir });
  try {
    const first = await vault.worker.evaluate(readInstanceId);
    await vault.stopWorker();
    await vault.stopWorker(); // already stopped: a no-op
    const worker = await vault.workerHandle();
    expect(await vault.workerStatus()).toBe("running");
    expect(await worker.evaluate(readInstanceId)).not.toBe(first);
  } finally {
    await vault.close();
  }
});

test("relaunching a kept profile keeps the extension's storage", async () => {
  const first = await launchVault({ extensionDir, keepProfile: true });
  await first.worker.evaluate(() => chrome.storage.local.set({ survived: "yes" }));
  await first.close();
  expect(existsSync(first.userDataDir)).toBe(true);

  const second = await launchVault({ extensionDir, userDataDir: first.userDataDir, keepProfile: false });
  try {
    expect(second.extensionId).toBe(first.extensionId);
    expect(await second.worker.evaluate(() => chrome.storage.local.get("survived"))).toEqual({ survived: "yes" });
  } finally {
    await second.close();
  }
  expect(existsSync(first.userDataDir)).toBe(false);
});

test("says to build first when the extension is missing", async () => {
  await expect(launchVault({ extensionDir: join(tmpdir(), "tsv-no-such-build") })).rejects.toThrow(/run npm run build first/);
});

test("the dApp server serves both loopback origins, and the dApp asks for the vault", async () => {
  const server = await startDappServer({ standinUrl: "http://127.0.0.1:9" });
  const vault = await launchVault({ extensionDir });
  try {
    const [ip, localhost] = server.origins;
    expect(ip).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(localhost).toBe(ip.replace("127.0.0.1", "localhost"));
    expect(server.url(localhost, "/frame.html")).toBe(`${localhost}/frame.html?standin=http%3A%2F%2F127.0.0.1%3A9`);

    const page = await vault.context.newPage();
    for (const origin of server.origins) {
      await page.goto(server.url(origin, "/frame.html"));
      await expect(page.locator("#origin")).toHaveText(origin);
    }
    expect((await page.goto(`${ip}/..%2fpackage.json`))?.status()).toBe(404);

    // The throwaway extension defines no window.turnkeySession.
    await page.goto(server.url(localhost));
    await expect(page.locator("#notice")).toContainText("Install the Turnkey Session Vault extension");
    await expect(page.locator("#status")).toHaveAttribute("data-state", "no-vault");
  } finally {
    await vault.close();
    await server.close();
  }
});
