/** Build-time constants defined in vite.config.ts. */
declare const __DEFAULT_API_BASE_URL__: string;
/**
 * True in builds for a browser that injects content scripts into the tabs already open when the
 * extension is installed (Firefox; Chrome does not): only there can the page script find a parsed
 * document at start, and only there does it look.
 */
declare const __INJECTS_INTO_OPEN_TABS__: boolean;
/**
 * True in builds for a browser that resolves a content script's relative `import()` against the
 * script's own URL in the extension (Chrome; Firefox resolves it against the page's), where the
 * main-world page script can import its client as a module (build/lazy-content.ts).
 */
declare const __IMPORTS_RESOLVE_AGAINST_CONTENT_SCRIPT__: boolean;
