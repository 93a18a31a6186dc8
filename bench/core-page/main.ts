/**
 * Bench-only page bundle: `@turnkey/core` 2.8.1 twice in one page, for a stamped request through
 * the drop-in vs core's own in-page stamper. `VaultCoreClient` is a subclass of `TurnkeyClient`
 * on which `installSessionVault` (client/turnkey-core.ts) is installed, so only its instances use
 * the vault; plain `TurnkeyClient` instances keep core's in-page defaults (localStorage sessions,
 * IndexedDB key pairs). Exposed as `window.benchCore`. Built by `bench/core-page/vite.config.ts`
 * into `bench/results/.build/pages/`.
 */
import { TurnkeyClient } from "@turnkey/core";
import { installSessionVault } from "../../client/turnkey-core.ts";

class VaultCoreClient extends TurnkeyClient {}

type Side = "vault" | "inPage";
const clients: Partial<Record<Side, TurnkeyClient>> = {};

function client(side: Side): TurnkeyClient {
  const found = clients[side];
  if (!found) throw new Error("benchCore.init() first");
  return found;
}

const benchCore = {
  /** Installs the drop-in (which purges core's in-page leftovers first), then starts one client of each kind. */
  async init(apiBaseUrl: string, organizationId: string): Promise<void> {
    if (!(await installSessionVault(VaultCoreClient))) throw new Error("no vault answered installSessionVault");
    clients.vault = new VaultCoreClient({ apiBaseUrl, organizationId });
    clients.inPage = new TurnkeyClient({ apiBaseUrl, organizationId });
    await Promise.all([clients.vault.init(), clients.inPage.init()]);
  },
  createApiKeyPair: (side: Side): Promise<string> => client(side).createApiKeyPair(),
  storeSession: (side: Side, sessionToken: string): Promise<void> => client(side).storeSession({ sessionToken }),
  /** `fetchUser()`: core reads the active session, stamps `get_user` with its key pair and sends it; resolves the user id. */
  async fetchUser(side: Side): Promise<string> {
    return (await client(side).fetchUser()).userId;
  },
};

(window as unknown as { benchCore: typeof benchCore }).benchCore = benchCore;
