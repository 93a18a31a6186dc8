import { describe, expect, it, vi } from "vitest";

vi.mock("webextension-polyfill", () => ({ default: {} }));
const { isExtensionPage, pageOrigin } = await import("./ports.ts");

const ID = "abcdefghijklmnopabcdefghijklmnop";
const EXT = `chrome-extension://${ID}`;
const tab = { id: 1, index: 0, highlighted: false, active: true, pinned: false, incognito: false };

describe("who may connect", () => {
  it("takes a content script's origin from the browser's sender, frame by frame", () => {
    expect(pageOrigin({ id: ID, tab, frameId: 0, url: "https://a.test/x", origin: "https://a.test" } as never, ID)).toBe("https://a.test");
    expect(pageOrigin({ id: ID, tab, frameId: 3, url: "http://b.test:8080/frame" } as never, ID)).toBe("http://b.test:8080");
  });

  it("refuses senders that are not web pages of this extension's content scripts", () => {
    expect(pageOrigin({ id: "other", tab, frameId: 0, origin: "https://a.test" } as never, ID)).toBeUndefined();
    expect(pageOrigin({ id: ID, frameId: 0, origin: "https://a.test" } as never, ID)).toBeUndefined(); // no tab
    expect(pageOrigin({ id: ID, tab, frameId: 0, origin: "null", url: "about:blank" } as never, ID)).toBeUndefined(); // sandboxed
    expect(pageOrigin({ id: ID, tab, frameId: 0, origin: EXT, url: `${EXT}/popup/index.html` } as never, ID)).toBeUndefined();
    expect(pageOrigin({ id: ID, tab, frameId: 0, url: "file:///etc/passwd" } as never, ID)).toBeUndefined();
  });

  it("grants the popup port only to the extension's own pages, never to a content script", () => {
    expect(isExtensionPage({ id: ID, url: `${EXT}/popup/index.html`, origin: EXT } as never, ID, EXT)).toBe(true);
    expect(isExtensionPage({ id: ID, tab, frameId: 0, url: "https://a.test/", origin: "https://a.test" } as never, ID, EXT)).toBe(false);
    expect(isExtensionPage({ id: ID, url: `${EXT}.evil.test/popup`, origin: "https://x" } as never, ID, EXT)).toBe(false);
    expect(isExtensionPage({ id: "other", url: `chrome-extension://other/popup/index.html` } as never, ID, EXT)).toBe(false);
  });
});
