/**
 * `useSessionVaultSync()`: keeps `@turnkey/react-wallet-kit`'s session state and timers in step
 * with the Turnkey Session Vault. Use it once, inside `<TurnkeyProvider>`, in an app that called
 * `installSessionVault(TurnkeyClient)` (`./turnkey-core.ts`).
 *
 * The kit learns about sessions only through its own calls, and for each session it arms two
 * timers at the expiry it last read: one refreshes 60 s before, the other clears the session and
 * logs out at expiry, without looking again. The vault also refreshes sessions (its alarm, the
 * popup, other tabs) and clears them (the popup's Log out, other tabs, expiry), so left alone
 * the kit would refresh a second time and log out a session the vault had just renewed. On each
 * vault event this hook runs the kit's own code for it, so that the kit re-reads the session,
 * re-arms its timers and updates `session` / `allSessions` exactly as after its own call:
 *
 * - `sessionRefreshed`, `sessionStored` (another tab) → the kit's `refreshSession({ sessionKey })`
 *   marked `SESSION_VAULT_RESYNC`: the adapter answers with the vault's session, no `stamp_login`;
 * - `sessionCleared`, `sessionExpired` → the kit's `logout({ sessionKey })` when it is the
 *   session the kit shows, else its `clearSession({ sessionKey })` (the adapter resolves both for
 *   a session that is already gone).
 *
 * Without the vault, or when the kit's client does not keep its sessions in it, it does nothing.
 *
 * @example
 * function Wallet() {
 *   useSessionVaultSync();
 *   const { session, refreshSession } = useTurnkey();
 *   …
 * }
 * root.render(<TurnkeyProvider config={config}><Wallet /></TurnkeyProvider>);
 */
import { TurnkeyClient } from "@turnkey/core";
import { useTurnkey } from "@turnkey/react-wallet-kit";
import { useEffect, useRef } from "react";
import { getSessionVault } from "./index.ts";
import { SESSION_VAULT_RESYNC, usesSessionVault, type CoreRefreshParams } from "./turnkey-core.ts";
import type { Session, SessionVaultEventDetails } from "./types.ts";

type Kit = ReturnType<typeof useTurnkey>;
type RefreshParams = NonNullable<Parameters<TurnkeyClient["refreshSession"]>[0]>;
type SyncedEvent = "sessionRefreshed" | "sessionStored" | "sessionCleared" | "sessionExpired";

const resyncParams = (sessionKey: string) => ({ sessionKey, [SESSION_VAULT_RESYNC]: true }) as CoreRefreshParams as RefreshParams;

// The kit keeps its TurnkeyClient to itself (its context has only the `httpClient`), and its warn
// timer calls that client's `refreshSession`. The clients are noted as they initialise, told
// apart by their `httpClient`; only in pages that have a vault.
const clients = new Set<WeakRef<TurnkeyClient>>();
const NOTED = Symbol.for("turnkey-session-vault.kit-clients-noted");
if (typeof window !== "undefined" && "turnkeySession" in window) {
  const prototype = TurnkeyClient.prototype as TurnkeyClient & { [NOTED]?: true };
  if (!prototype[NOTED]) {
    const init = prototype.init;
    Object.defineProperty(prototype, NOTED, { value: true });
    prototype.init = function (this: TurnkeyClient, ...args: Parameters<TurnkeyClient["init"]>) {
      clients.add(new WeakRef(this));
      return init.apply(this, args);
    };
  }
}

function clientOf(httpClient: unknown): TurnkeyClient | undefined {
  for (const ref of clients) {
    const client = ref.deref();
    if (!client) clients.delete(ref);
    else if (client.httpClient === httpClient) return client;
  }
  return undefined;
}

/** A session JWT's `exp` (epoch seconds), or undefined if it cannot be read. */
function jwtExpiry(jwt: string): number | undefined {
  try {
    const payload = jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
    const exp = (JSON.parse(atob(payload)) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}

/** The latest expiry the kit has learned for each session key, through its state or its own refreshes. */
type KnownExpiries = Map<string, number>;

/**
 * Closes the one race events cannot: the kit's warn timer firing after the vault refreshed the
 * session (the alarm's lead and the kit's warning are both 60 s by default) but before that
 * refresh's event reached this page. The timer names the session and asks for its own length;
 * when the vault's session is already newer than any the kit knows, the call becomes a resync
 * instead of a second `stamp_login`. Returns the undo.
 */
function guardStaleTimers(client: TurnkeyClient, known: KnownExpiries): () => void {
  const refreshSession = client.refreshSession;
  client.refreshSession = async (params) => {
    const sessionKey = params?.sessionKey;
    const timerShaped =
      sessionKey !== undefined && params?.expirationSeconds !== undefined && !params.publicKey && !params.stampWith && params.invalidateExisitng === undefined;
    if (timerShaped && !(params as CoreRefreshParams)[SESSION_VAULT_RESYNC]) {
      const session = await client.getSession({ sessionKey });
      const learned = known.get(sessionKey);
      if (session && learned !== undefined && session.expiry > learned && params.expirationSeconds === session.expirationSeconds) {
        known.set(sessionKey, session.expiry);
        return refreshSession(resyncParams(sessionKey));
      }
    }
    const result = await refreshSession(params);
    const expiry = sessionKey !== undefined && result?.session ? jwtExpiry(result.session) : undefined;
    if (sessionKey !== undefined && expiry !== undefined) known.set(sessionKey, Math.max(expiry, known.get(sessionKey) ?? 0));
    return result;
  };
  return () => {
    client.refreshSession = refreshSession;
  };
}

/** Runs tasks one after another, in the order the events came; a failed one is reported, not fatal. */
function serial(): (task: () => Promise<void>) => void {
  let tail = Promise.resolve();
  return (task) => {
    tail = tail.then(task).catch((error: unknown) => console.warn("turnkey-session-vault: could not bring the kit's sessions in step with the vault", error));
  };
}

const sameSession = (a: Session | undefined, b: Session | undefined) => !!a && !!b && a.publicKey === b.publicKey && a.expiry === b.expiry;

/**
 * Keeps `useTurnkey()`'s `session`, `allSessions` and session timers in step with the vault's
 * `sessionRefreshed`, `sessionStored`, `sessionCleared` and `sessionExpired` events. Call it once,
 * in a component inside `<TurnkeyProvider>` that stays mounted.
 */
export function useSessionVaultSync(): void {
  const kit = useTurnkey();
  const latest = useRef<Kit>(kit);
  latest.current = kit;
  const known = useRef<KnownExpiries>(new Map());
  for (const [sessionKey, session] of Object.entries(kit.allSessions ?? {})) {
    if (session.expiry > (known.current.get(sessionKey) ?? 0)) known.current.set(sessionKey, session.expiry);
  }
  const httpClient = kit.httpClient;

  useEffect(() => {
    if (!httpClient || !usesSessionVault(httpClient)) return;
    const client = clientOf(httpClient);
    const unguard = client ? guardStaleTimers(client, known.current) : () => {};
    const queue = serial();

    /** The kit re-reads a session that the vault renewed or another tab stored, and re-arms its timers. */
    const resync = async ({ sessionKey, session }: { sessionKey: string; session: Session }) => {
      const kit = latest.current;
      if (sameSession(kit.allSessions?.[sessionKey] as Session | undefined, session)) return; // the kit's own call
      const active = await kit.getActiveSessionKey();
      if (!active) return; // the kit refreshes nothing without an active session
      await kit.refreshSession(resyncParams(sessionKey));
      // The kit then shows the session it refreshed, active or not: show the active one again.
      if (active !== sessionKey) await latest.current.refreshSession(resyncParams(active));
    };

    /** The kit drops a session the vault no longer has: a logout if it is the one it shows. */
    const forget = async ({ sessionKey }: { sessionKey: string }) => {
      const kit = latest.current;
      const tracked = kit.allSessions?.[sessionKey];
      if (!tracked || (await kit.getSession({ sessionKey }))) return; // unknown here, or stored again since
      known.current.delete(sessionKey);
      if (kit.session?.publicKey === tracked.publicKey) await kit.logout({ sessionKey });
      else await kit.clearSession({ sessionKey });
    };

    const handlers: { [T in SyncedEvent]: (detail: SessionVaultEventDetails[T]) => Promise<void> } = {
      sessionRefreshed: resync,
      sessionStored: resync,
      sessionCleared: forget,
      sessionExpired: forget,
    };
    const listeners = (Object.keys(handlers) as SyncedEvent[]).map((type) => {
      const listener = (event: CustomEvent) => queue(() => handlers[type](event.detail));
      return [type, listener] as const;
    });
    let stopped = false;
    const vaultFound = getSessionVault().then((vault) => {
      if (!vault || stopped) return undefined;
      for (const [type, listener] of listeners) vault.addEventListener(type, listener);
      return vault;
    });
    return () => {
      stopped = true;
      unguard();
      void vaultFound.then((vault) => {
        for (const [type, listener] of listeners) vault?.removeEventListener(type, listener);
      });
    };
  }, [httpClient]);
}
