/**
 * The Firefox manifest, derived from `manifest.json` (the Chrome one) at build time, so the two
 * never drift apart. Firefox runs the background as an event page (`background.scripts`, an ES
 * module) rather than a service worker, needs a `gecko` id and the data-collection declaration
 * that `web-ext lint` and addons.mozilla.org ask for, and warns about keys it does not know. Its
 * page script carries its client rather than importing it (build/lazy-content.ts), so that
 * module is not web-accessible there.
 */
import { PAGE_CLIENT_PATH } from "../content/lazy-modules.ts";


/** The add-on's id in Firefox: stable across versions, so storage survives an update. */
export const GECKO_ID = "session-vault@turnkey-session-vault.dev";
/** `data_collection_permissions` exists from Firefox 140 on (Android 142). */
export const FIREFOX_MIN_VERSION = "140.0";
const ANDROID_MIN_VERSION = "142.0";

/** Keys Chrome reads and Firefox does not (it warns at install and `web-ext lint` reports them). */
const CHROME_ONLY_KEYS = ["minimum_chrome_version", "externally_connectable"] as const;

type Manifest = Record<string, unknown>;
type WebAccessible = { resources: string[] }[];

export function firefoxManifest(chrome: object): Manifest {
  const { background, ...rest } = chrome as Manifest & { background?: { service_worker?: string } };
  const manifest: Manifest = { ...rest };
  for (const key of CHROME_ONLY_KEYS) delete manifest[key];
  manifest.web_accessible_resources = (manifest.web_accessible_resources as WebAccessible | undefined)?.map((entry) => ({
    ...entry,
    resources: entry.resources.filter((path) => path !== PAGE_CLIENT_PATH),
  }));
  if (background?.service_worker === undefined) throw new Error("manifest.json has no background.service_worker to port");
  return {
    ...manifest,
    background: { scripts: [background.service_worker], type: "module" },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        // The vault sends nothing anywhere but to the Turnkey API a dApp chose.
        data_collection_permissions: { required: ["none"] },
      },
      gecko_android: { strict_min_version: ANDROID_MIN_VERSION },
    },
  };
}
