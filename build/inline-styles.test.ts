import { describe, expect, it } from "vitest";
import { inlineStylesheets } from "./inline-styles.ts";

const page = (links: string) => `<head>\n<script type="module" crossorigin src="/assets/a.js"></script>\n${links}\n</head><body></body>`;

describe("inlineStylesheets", () => {
  it("replaces a built page's stylesheet link with its text, and says which it inlined", () => {
    const css = { "assets/popup-1.css": ".a{color:red}\n" } as Record<string, string>;
    const { html, inlined } = inlineStylesheets(page('<link rel="stylesheet" crossorigin href="/assets/popup-1.css">'), (path) => css[path]);
    expect(html).toBe(page("<style>.a{color:red}</style>"));
    expect(inlined).toEqual(["assets/popup-1.css"]);
  });

  it("leaves links it has no text for, and CSS that would close the style element", () => {
    const links = '<link rel="stylesheet" href="/assets/missing.css">\n<link rel="stylesheet" href="/assets/odd.css">';
    const { html, inlined } = inlineStylesheets(page(links), (path) => (path === "assets/odd.css" ? 'a::after{content:"</style>"}' : undefined));
    expect(html).toBe(page(links));
    expect(inlined).toEqual([]);
  });
});
