/**
 * The test app's one screen, inside `<TurnkeyProvider>`: what the kit believes (auth state, the
 * current session and every session it tracks, the callbacks it fired) shown on the page, the
 * buttons a user presses, and the same actions as `window.kitApp` for the specs. It logs in as a
 * dApp with its own backend does: a key pair from the kit, a first session for its public key
 * (minted by the Turnkey stand-in, in place of the dApp's backend), then the kit's `storeSession`.
 */
import { useTurnkey } from "@turnkey/react-wallet-kit";
import { createElement as h, useEffect, useRef, type ReactNode } from "react";
import { useSessionVaultSync } from "../../client/react-wallet-kit.ts";

type Kit = ReturnType<typeof useTurnkey>;

const DEFAULT_SESSION_KEY = "@turnkey/session/v3";

/** What a spec reads: the kit's state, reduced to plain data. */
export interface KitAppState {
  clientState: string | undefined;
  authState: string;
  /** The kit's `session`, or null when it shows none. */
  session: { expiry: number; publicKey: string | undefined; organizationId: string } | null;
  /** The kit's `allSessions`: sessionKey → expiry and public key. */
  allSessions: Record<string, { expiry: number; publicKey: string | undefined }>;
}

export interface KitAppApi {
  /** "vault" when `installSessionVault` found the extension, "in-page" otherwise. */
  mode: "vault" | "in-page";
  state(): KitAppState;
  /** createApiKeyPair → a first session from the stand-in → the kit's storeSession. */
  login(options?: { expirationSeconds?: number; sessionKey?: string }): Promise<void>;
  refreshSession: Kit["refreshSession"];
  logout: Kit["logout"];
  setActiveSession: Kit["setActiveSession"];
  /**
   * Resolves after the kit's reads that were already under way: the ones its session timers
   * start with. Specs that move the clock call it before checking that no timer acted.
   */
  settle(): Promise<void>;
  /** The kit's callbacks, in the order they fired (`onSessionExpired:<key>`, `beforeSessionExpiry:<key>@<page time, ms>`, `onError:<code>:<message>`). */
  callbacks: string[];
}

declare global {
  interface Window {
    kitApp?: KitAppApi;
  }
}

export interface AppProps {
  mode: KitAppApi["mode"];
  standinUrl: string;
  callbacks: string[];
}

function stateOf(kit: Kit): KitAppState {
  const allSessions: KitAppState["allSessions"] = {};
  for (const [key, s] of Object.entries(kit.allSessions ?? {})) allSessions[key] = { expiry: s.expiry, publicKey: s.publicKey };
  const s = kit.session;
  return {
    clientState: kit.clientState,
    authState: kit.authState,
    session: s ? { expiry: s.expiry, publicKey: s.publicKey, organizationId: s.organizationId } : null,
    allSessions,
  };
}

async function mintSession(standinUrl: string, publicKey: string, expirationSeconds?: number): Promise<string> {
  const response = await fetch(`${standinUrl}/__standin/mint`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ publicKey, ...(expirationSeconds ? { expirationSeconds } : {}) }),
  });
  if (!response.ok) throw new Error(`the stand-in refused to mint a session: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { session: string }).session;
}

export function App({ mode, standinUrl, callbacks }: AppProps): ReactNode {
  useSessionVaultSync();
  const kit = useTurnkey();
  // window.kitApp outlives renders; it always acts through the kit of the latest one.
  const latest = useRef(kit);
  latest.current = kit;

  useEffect(() => {
    window.kitApp = {
      mode,
      callbacks,
      state: () => stateOf(latest.current),
      async login({ expirationSeconds, sessionKey } = {}) {
        const publicKey = await latest.current.createApiKeyPair();
        const sessionToken = await mintSession(standinUrl, publicKey, expirationSeconds);
        await latest.current.storeSession({ sessionToken, ...(sessionKey ? { sessionKey } : {}) });
      },
      refreshSession: (params) => latest.current.refreshSession(params),
      logout: (params) => latest.current.logout(params),
      setActiveSession: (params) => latest.current.setActiveSession(params),
      async settle() {
        const kit = latest.current;
        await kit.getSession();
        await kit.getSession({ sessionKey: DEFAULT_SESSION_KEY });
        await kit.getActiveSessionKey();
      },
    };
  }, [mode, standinUrl, callbacks]);

  const state = stateOf(kit);
  const act = (label: string, run: () => Promise<unknown>) =>
    h("button", { type: "button", onClick: () => void run().catch((e: Error) => callbacks.push(`failed:${label}:${e.message}`)) }, label);
  return h(
    "main",
    null,
    h("h1", null, "react-wallet-kit test app"),
    h("p", { id: "mode" }, `Keys and sessions: ${mode === "vault" ? "in the Turnkey Session Vault" : "in this page (no vault)"}`),
    h("p", { id: "auth-state" }, `${state.authState} (client ${state.clientState ?? "starting"})`),
    h("p", { id: "session" }, state.session ? `session expires ${new Date(state.session.expiry * 1000).toISOString()}` : "no session"),
    h("ul", { id: "all-sessions" }, ...Object.entries(state.allSessions).map(([key, s]) => h("li", { key }, `${key}: expires ${new Date(s.expiry * 1000).toISOString()}`))),
    act("Log in", () => window.kitApp!.login()),
    act("Refresh session", () => kit.refreshSession()),
    act("Log out", () => kit.logout()),
  );
}
