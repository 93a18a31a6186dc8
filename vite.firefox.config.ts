/**
 * `npm run build:firefox` → `dist-firefox/`: the same sources and build options as
 * `vite.config.ts`, with crxjs in Firefox mode and the manifest `build/firefox-manifest.ts`
 * derives from `manifest.json`.
 */
import { crx } from "@crxjs/vite-plugin";
import { defineConfig, type PluginOption } from "vite";
import { firefoxManifest } from "./build/firefox-manifest.ts";
import manifest from "./manifest.json" with { type: "json" };
import chrome from "./vite.config.ts";

const isCrx = (plugin: PluginOption): boolean =>
  Array.isArray(plugin) ? plugin.some(isCrx) : typeof plugin === "object" && plugin !== null && "name" in plugin && String(plugin.name).startsWith("crx:");

export default defineConfig({
  ...chrome,
  plugins: [
    ...(chrome.plugins ?? []).filter((plugin) => !isCrx(plugin)),
    crx({ manifest: firefoxManifest(structuredClone(manifest)) as unknown as Parameters<typeof crx>[0]["manifest"], browser: "firefox" }),
  ],
  define: { ...chrome.define, __INJECTS_INTO_OPEN_TABS__: "true" },
  build: { ...chrome.build, outDir: "dist-firefox", target: "firefox140" },
});
