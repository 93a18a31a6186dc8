/**
 * `npm run build:firefox` → `dist-firefox/`: the same sources and build options as
 * `vite.config.ts`, with crxjs in Firefox mode and the manifest `build/firefox-manifest.ts`
 * derives from `manifest.json`.
 */
import { crx } from "@crxjs/vite-plugin";
import { defineConfig, type PluginOption } from "vite";
import { BRIDGE_FORWARDER_PATH } from "./content/lazy-modules.ts";
import { firefoxManifest } from "./build/firefox-manifest.ts";
import { lazyContentModules } from "./build/lazy-content.ts";
import manifest from "./manifest.json" with { type: "json" };
import chrome from "./vite.config.ts";

/** A plugin, or a plugin array holding one, whose name starts with `prefix`. */
const isNamed = (plugin: PluginOption, prefix: string): boolean =>
  Array.isArray(plugin) ? plugin.some((p) => isNamed(p, prefix)) : typeof plugin === "object" && plugin !== null && "name" in plugin && String(plugin.name).startsWith(prefix);

export default defineConfig({
  ...chrome,
  plugins: [
    ...(chrome.plugins ?? []).filter((plugin) => !isNamed(plugin, "crx:") && !isNamed(plugin, "turnkey-vault:lazy-content")),
    // The page script carries its client here (build/lazy-content.ts): only the bridge's module ships.
    lazyContentModules([BRIDGE_FORWARDER_PATH]),
    crx({ manifest: firefoxManifest(structuredClone(manifest)) as unknown as Parameters<typeof crx>[0]["manifest"], browser: "firefox" }),
  ],
  define: { ...chrome.define, __INJECTS_INTO_OPEN_TABS__: "true", __IMPORTS_RESOLVE_AGAINST_CONTENT_SCRIPT__: "false" },
  build: { ...chrome.build, outDir: "dist-firefox", target: "firefox140" },
});
