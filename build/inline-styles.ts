/**
 * A build step that puts each extension page's own stylesheet into the page as a `<style>`
 * element. The popup then needs no stylesheet request, and its module script, which a pending
 * stylesheet holds back, asks the worker for the sessions as soon as it is loaded
 * (bench/README.md#the-popup-with-1000-sessions-where-the-time-goes). The extension's CSP
 * restricts scripts, not styles.
 */
import type { Plugin } from "vite";

const STYLESHEET_LINK = /<link rel="stylesheet"(?: crossorigin)? href="\/?([^"]+\.css)">/g;

/** `html` with every stylesheet link that `css(path)` knows replaced by its text; and the paths it inlined. */
export function inlineStylesheets(html: string, css: (path: string) => string | undefined): { html: string; inlined: string[] } {
  const inlined: string[] = [];
  const out = html.replace(STYLESHEET_LINK, (link, path: string) => {
    const text = css(path);
    if (text === undefined || text.includes("</style")) return link;
    inlined.push(path);
    return `<style>${text.trim()}</style>`;
  });
  return { html: out, inlined };
}

/** Inlines the stylesheets of the bundle's HTML pages and drops the files no page links any more. */
export function inlineStyles(): Plugin {
  return {
    name: "inline-styles",
    enforce: "post",
    generateBundle(_options, bundle) {
      const asText = (path: string) => {
        const asset = bundle[path];
        if (asset?.type !== "asset") return undefined;
        return typeof asset.source === "string" ? asset.source : new TextDecoder().decode(asset.source);
      };
      const inlined = new Set<string>();
      for (const file of Object.values(bundle)) {
        if (file.type !== "asset" || !file.fileName.endsWith(".html")) continue;
        const result = inlineStylesheets(asText(file.fileName)!, asText);
        file.source = result.html;
        for (const path of result.inlined) inlined.add(path);
      }
      const stillLinked = (path: string) => Object.values(bundle).some((file) => file.type === "asset" && file.fileName.endsWith(".html") && asText(file.fileName)!.includes(path));
      for (const path of inlined) if (!stillLinked(path)) delete bundle[path];
    },
  };
}
