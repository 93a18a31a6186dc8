/**
 * The built manifest asks for the least it can: `storage` and `alarms`, no host permissions, no
 * external connections, and extension pages that cannot be framed. The only web-accessible files
 * are the content scripts' two lazy modules (code, imported on a frame's first use of the vault);
 * a page can load no other file of the extension.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BRIDGE_FORWARDER_PATH, PAGE_CLIENT_PATH } from "../../content/lazy-modules.ts";
import { REPO_ROOT } from "../support/browser.ts";
import { expect, test } from "../support/fixtures.ts";

const manifest = () => JSON.parse(readFileSync(join(REPO_ROOT, "dist", "manifest.json"), "utf8")) as Record<string, unknown>;

test("permissions are the minimum and nothing is exposed to sites or other extensions", () => {
  const m = manifest();
  expect(m.manifest_version).toBe(3);
  expect(m.permissions).toEqual(["storage", "alarms"]);
  expect(m.host_permissions).toBeUndefined();
  expect(m.optional_permissions).toBeUndefined();
  expect(m.web_accessible_resources).toEqual([
    { resources: [PAGE_CLIENT_PATH, BRIDGE_FORWARDER_PATH], matches: ["http://*/*", "https://*/*"], use_dynamic_url: false },
  ]);
  expect(m.externally_connectable).toEqual({ ids: [] });
  const csp = (m.content_security_policy as { extension_pages: string }).extension_pages;
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/unsafe-(eval|inline)/);
  const scripts = m.content_scripts as { matches: string[]; world?: string; run_at: string; all_frames: boolean }[];
  expect(scripts.map((s) => [s.world ?? "ISOLATED", s.run_at, s.all_frames, s.matches])).toEqual([
    ["MAIN", "document_start", true, ["http://*/*", "https://*/*"]],
    ["ISOLATED", "document_start", true, ["http://*/*", "https://*/*"]],
  ]);
});

test("a web page cannot frame the popup", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const framed = await page.evaluate(async (url) => {
    const frame = document.createElement("iframe");
    frame.src = url;
    document.body.append(frame);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    try {
      return frame.contentDocument?.querySelector("#main") ? "rendered" : "not rendered";
    } catch {
      return "not rendered";
    }
  }, vault.popupUrl);
  expect(framed).toBe("not rendered");
  expect(page.frames().some((frame) => frame.url().startsWith(vault.popupUrl) && frame.url() !== "about:blank")).toBe(false);
});

test("a page can load the two lazy modules and no other file of the extension", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  // Scripts all: any of them would import as a module if the page were allowed to load it.
  const paths = [PAGE_CLIENT_PATH, BRIDGE_FORWARDER_PATH, "service-worker-loader.js", "content/page.iife.js", "content/bridge.iife.js"];
  const loaded = await page.evaluate(
    ([base, paths]) => Promise.all(paths.map((path) => import(base + path).then(() => true, () => false))),
    [new URL("/", vault.popupUrl).href, paths] as const,
  );
  expect(loaded).toEqual([true, true, false, false, false]);
});
