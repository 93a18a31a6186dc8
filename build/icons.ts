/**
 * `npm run icons`: renders `icons/vault.svg` to the PNG sizes the manifests name (16, 32, 48 and
 * 128 px), with headless Chromium so the browser's own SVG rasteriser draws each size. The PNGs
 * are committed; run this again after changing the SVG.
 */
import { chromium } from "@playwright/test";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT, findChromium } from "../e2e/support/browser.ts";

export const ICON_SIZES = [16, 32, 48, 128] as const;
const ICONS_DIR = join(REPO_ROOT, "icons");

const svg = await readFile(join(ICONS_DIR, "vault.svg"), "utf8");
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ["--disable-gpu"] });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const size of ICON_SIZES) {
    await page.setViewportSize({ width: size, height: size });
    const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.waitForFunction(() => document.images[0]?.complete === true);
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await writeFile(join(ICONS_DIR, `vault-${size}.png`), png);
    console.log(`icons/vault-${size}.png`);
  }
} finally {
  await browser.close();
}
