/**
 * `npm start`: the Turnkey Session Vault demo. Starts the Turnkey stand-in and the demo dApp on
 * loopback, then launches Chromium with the built extension (`dist/`). With an X display it
 * opens the dApp and leaves the window to you until you close the browser or press Ctrl-C.
 * Without one it walks the demo itself (log in, show session, refresh, who am I, show session),
 * prints each step and its result, saves screenshots of the dApp and of the popup to
 * `e2e/artifacts/demo/`, and exits 0, or 1 as soon as a step fails.
 * Run with `tsx e2e/demo/start.ts` after `npm run build`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { startStandin } from "../standin/server.ts";
import { launchVault, REPO_ROOT, type VaultBrowser } from "../support/browser.ts";
import { startDappServer } from "../support/dapp-server.ts";

const ARTIFACTS = join(REPO_ROOT, "e2e", "artifacts", "demo");
const STEPS = [
  ["login", "Log in"],
  ["show", "Show session"],
  ["refresh", "Refresh session"],
  ["whoami", "Who am I"],
  ["show", "Show session"],
] as const;

const indent = (text: string) => text.replace(/^/gm, "    ");

/** Clicks a dApp button and waits for the outcome it writes to #result. */
async function runStep(page: Page, buttonId: string): Promise<{ ok: boolean; text: string }> {
  const seq = Number(await page.locator("#result").getAttribute("data-seq"));
  await page.click(`#${buttonId}`);
  const result = page.locator(`#result[data-seq="${seq + 1}"]`);
  await result.waitFor({ timeout: 45_000 });
  return { ok: (await result.getAttribute("data-outcome")) === "ok", text: (await result.textContent()) ?? "" };
}

/** Headless: walks the demo, prints what happens, saves screenshots. True if every step passed. */
async function walkDemo(vault: VaultBrowser, dappUrl: string): Promise<boolean> {
  const page = await vault.context.newPage();
  page.on("pageerror", (e) => console.log(`  page error: ${e.message}`));
  await page.goto(dappUrl);
  await page.waitForFunction(() => document.querySelector("#status")?.getAttribute("data-state") !== "loading");
  if ((await page.locator("#status").getAttribute("data-state")) === "no-vault") {
    console.log("✗ The dApp sees no window.turnkeySession: the extension's page script did not run.");
    return false;
  }

  let passed = true;
  for (const [index, [id, label]] of STEPS.entries()) {
    const started = Date.now();
    const { ok, text } = await runStep(page, id);
    console.log(`${ok ? "✓" : "✗"} ${index + 1}. ${label} (${Date.now() - started} ms)\n${indent(text)}`);
    if (!ok) { passed = false; break; }
  }
  const events = await page.locator("#log li").allTextContents();
  console.log(`Vault events seen by the page (newest first):\n${indent(events.join("\n") || "(none)")}`);

  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "dapp.png"), fullPage: true });
  const popup = await vault.context.newPage();
  await popup.setViewportSize({ width: 360, height: 600 });
  await popup.goto(vault.popupUrl);
  await popup.waitForLoadState("networkidle");
  await popup.screenshot({ path: join(ARTIFACTS, "popup.png") });
  console.log(`Screenshots: ${join(ARTIFACTS, "dapp.png")}, ${join(ARTIFACTS, "popup.png")}`);
  return passed;
}

/** Headed: opens the dApp and waits until the browser is closed or Ctrl-C. */
async function showDemo(vault: VaultBrowser, dappUrl: string, otherOriginUrl: string): Promise<void> {
  const page = await vault.context.newPage();
  await page.goto(dappUrl);
  for (const blank of vault.context.pages().filter((p) => p !== page && p.url() === "about:blank")) await blank.close();
  console.log(`dApp:             ${dappUrl}\nsame dApp, other origin (its own vault): ${otherOriginUrl}`);
  console.log(`vault popup:      ${vault.popupUrl}\nClose the browser or press Ctrl-C to stop.`);
  await new Promise<void>((done) => {
    vault.context.once("close", () => done());
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

async function main(): Promise<number> {
  const headless = !process.env.DISPLAY;
  const standin = await startStandin();
  const dapp = await startDappServer({ standinUrl: standin.url });
  let vault: VaultBrowser | undefined;
  try {
    console.log(`Turnkey stand-in: ${standin.url}`);
    vault = await launchVault({ headless, handleSignals: false }); // we close it on Ctrl-C
    console.log(`Extension:        ${vault.extensionId}${headless ? " (headless: walking the demo)" : ""}`);
    const [origin, otherOrigin] = dapp.origins;
    if (!headless) {
      await showDemo(vault, dapp.url(origin), dapp.url(otherOrigin));
      return 0;
    }
    return (await walkDemo(vault, dapp.url(origin))) ? 0 : 1;
  } finally {
    await vault?.close().catch(() => {});
    await dapp.close();
    await standin.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
