import { describe, expect, it } from "vitest";
import chromeManifest from "../manifest.json" with { type: "json" };
import { BRIDGE_FORWARDER_PATH } from "../content/lazy-modules.ts";
import { FIREFOX_MIN_VERSION, GECKO_ID, firefoxManifest } from "./firefox-manifest.ts";

describe("firefoxManifest", () => {
  const firefox = firefoxManifest(structuredClone(chromeManifest));

  it("runs the same background entry as an ES-module event page", () => {
    expect(firefox.background).toEqual({ scripts: [chromeManifest.background.service_worker], type: "module" });
  });

  it("declares the gecko id, minimum version and data collection", () => {
    expect(firefox.browser_specific_settings).toMatchObject({
      gecko: { id: GECKO_ID, strict_min_version: FIREFOX_MIN_VERSION, data_collection_permissions: { required: ["none"] } },
    });
  });

  it("drops the keys Firefox does not support and keeps everything else", () => {
    expect(firefox).not.toHaveProperty("minimum_chrome_version");
    expect(firefox).not.toHaveProperty("externally_connectable");
    for (const key of ["name", "version", "permissions", "content_scripts", "action", "content_security_policy"] as const) {
      expect(firefox[key]).toEqual(chromeManifest[key]);
    }
  });

  it("makes only the bridge's module web-accessible: the page script carries its client", () => {
    expect(firefox.web_accessible_resources).toEqual([{ ...chromeManifest.web_accessible_resources[0], resources: [BRIDGE_FORWARDER_PATH] }]);
  });

  it("leaves the Chrome manifest untouched", () => {
    const chrome = structuredClone(chromeManifest);
    firefoxManifest(chrome);
    expect(chrome).toEqual(chromeManifest);
  });
});
