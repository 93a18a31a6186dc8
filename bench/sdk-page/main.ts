/**
 * Bench-only page bundle: Turnkey's own SDK (`@turnkey/core` 2.8.1 `TurnkeyClient`, its web
 * storage in localStorage and its IndexedDB API-key stamper with a non-extractable WebCrypto
 * P-256 key) running inside the page, as a dApp without the vault runs it. Exposed as
 * `window.benchSdk` for the refresh and stamp benchmarks; `apiBaseUrl` points it at the local
 * Turnkey stand-in. Built by `bench/sdk-page/vite.config.ts` into `bench/results/.build/pages/`.
 */
import { TurnkeyClient } from "@turnkey/core";

interface ApiKeyStamper {
  stamp(payload: string): Promise<{ stampHeaderName: string; stampHeaderValue: string }>;
  sign(payload: string, format: "der" | "raw"): Promise<string>;
}

let client: TurnkeyClient | undefined;

function sdk(): TurnkeyClient {
  if (!client) throw new Error("benchSdk.init() first");
  return client;
}

const benchSdk = {
  /** `new TurnkeyClient({ apiBaseUrl, organizationId })` + `init()`, as a dApp starts it. */
  async init(apiBaseUrl: string, organizationId: string): Promise<void> {
    client = new TurnkeyClient({ apiBaseUrl, organizationId });
    await client.init();
  },
  /** A P-256 key pair in the SDK's IndexedDB stamper; resolves the compressed public key. */
  createApiKeyPair: (): Promise<string> => sdk().createApiKeyPair(),
  storeSession: (sessionToken: string): Promise<void> => sdk().storeSession({ sessionToken }),
  /** `refreshSession()` with the SDK's defaults (active session, 900 s, new key pair); resolves the new JWT. */
  async refreshSession(): Promise<string> {
    const result = await sdk().refreshSession();
    if (!result?.session) throw new Error("refreshSession returned no session");
    return result.session;
  },
  getActiveSessionKey: () => sdk().getActiveSessionKey(),
  /** The stamp TurnkeyClient's HTTP client makes for every request (its CrossPlatformApiKeyStamper). */
  stamp(payload: string) {
    const stamper = (sdk() as unknown as { apiKeyStamper?: ApiKeyStamper }).apiKeyStamper;
    if (!stamper) throw new Error("the SDK has no API key stamper");
    return stamper.stamp(payload);
  },
  /** The signature core asks its API-key stamper for when no stamp fits (e.g. signUpWithOtp's raw client signature). */
  sign(payload: string, format: "der" | "raw") {
    const stamper = (sdk() as unknown as { apiKeyStamper?: ApiKeyStamper }).apiKeyStamper;
    if (!stamper) throw new Error("the SDK has no API key stamper");
    return stamper.sign(payload, format);
  },
};

(window as unknown as { benchSdk: typeof benchSdk }).benchSdk = benchSdk;
