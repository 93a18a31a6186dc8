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
 *   a session that is already gone);
 * - `activeSessionChanged` (`setActiveSession` in this tab or another) → the kit shows the new
 *   active session (a resync as above), and re-reads its user and wallets when the user changed,
 *   as the kit's own `setActiveSession` does.
 *
 * Events of the kit's own refreshes are skipped (it re-reads by itself), a warn timer that
 * outlived its session resyncs instead of refreshing again (`./kit-refresh-watch.ts`), and an
 * expire timer that runs before the event of the vault's renewal clears and logs out nothing: the
 * kit is resynced instead (`./kit-expiry-guard.ts`). Without
 * the vault, or when the kit's client does not keep its sessions in it, the hook does nothing.
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
import { guardKitExpiry } from "./kit-expiry-guard.ts";
import { clientOf, noteClients, resyncParams, watchKitRefreshes } from "./kit-refresh-watch.ts";
import { usesSessionVault } from "./turnkey-core.ts";
import type { Session, SessionVaultEventDetails } from "./types.ts";

type Kit = ReturnType<typeof useTurnkey>;
type SyncedEvent = "sessionRefreshed" | "sessionStored" | "sessionCleared" | "sessionExpired" | "activeSessionChanged";

// Only pages with a vault: elsewhere the class stays exactly as it is.
if (typeof window !== "undefined" && "turnkeySession" in window) noteClients(TurnkeyClient);

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
 * `sessionRefreshed`, `sessionStored`, `sessionCleared`, `sessionExpired` and
 * `activeSessionChanged` events. Call it once,
 * in a component inside `<TurnkeyProvider>` that stays mounted.
 */
export function useSessionVaultSync(): void {
  const kit = useTurnkey();
  const latest = useRef<Kit>(kit);
  latest.current = kit;
  // The latest expiry the kit has learned per session key: from its state, and its own refreshes.
  const known = useRef(new Map<string, number>());
  for (const [sessionKey, session] of Object.entries(kit.allSessions ?? {})) {
    if (session.expiry > (known.current.get(sessionKey) ?? 0)) known.current.set(sessionKey, session.expiry);
  }
  const httpClient = kit.httpClient;

  useEffect(() => {
    if (!httpClient || !usesSessionVault(httpClient)) return;
    const client = clientOf(httpClient);
    const watch = client ? watchKitRefreshes(client, known.current) : undefined;
    const queue = serial();

    /** The kit re-reads a session that the vault renewed or another tab stored, and re-arms its timers. */
    const resync = async ({ sessionKey, session }: { sessionKey: string; session: Session }) => {
      const kit = latest.current;
      if (sameSession(kit.allSessions?.[sessionKey] as Session | undefined, session)) return; // the kit has it
      if (await watch?.madeByKit(session.token)) return; // the kit's own refresh, which re-reads by itself
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

    /** The kit shows the session that is now active (its own `setActiveSession` keeps showing the old one). */
    const switched = async ({ sessionKey }: { sessionKey: string }) => {
      const kit = latest.current;
      const session = await kit.getSession({ sessionKey });
      // Cleared or switched again since: the later event brings the kit in step.
      if (!session || (await kit.getActiveSessionKey()) !== sessionKey) return;
      const shown = kit.session;
      if (!sameSession(shown as Session | undefined, session as Session)) await kit.refreshSession(resyncParams(sessionKey));
      if (kit.user && kit.user.userId !== session.userId) {
        await latest.current.refreshUser();
        await latest.current.refreshWallets();
      }
    };

    /** The kit's expire timer ran for a session the vault renewed, and the guard kept it: the kit shows it again. */
    const kept = async (sessionKey: string) => {
      const active = await latest.current.getActiveSessionKey();
      if (!active) return;
      await latest.current.refreshSession(resyncParams(sessionKey));
      if (active !== sessionKey) await latest.current.refreshSession(resyncParams(active));
      // The kit's clean-up for the skipped logout dropped its user and wallets.
      await latest.current.refreshUser();
      await latest.current.refreshWallets();
    };
    const readVault = async (sessionKey: string) => (await getSessionVault())?.getSession({ sessionKey });
    const guard = client ? guardKitExpiry(client, known.current, readVault, (sessionKey) => queue(() => kept(sessionKey))) : undefined;

    const handlers: { [T in SyncedEvent]: (detail: SessionVaultEventDetails[T]) => Promise<void> } = {
      sessionRefreshed: resync,
      sessionStored: resync,
      sessionCleared: forget,
      sessionExpired: forget,
      activeSessionChanged: switched,
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
      watch?.undo();
      guard?.undo();
      void vaultFound.then((vault) => {
        for (const [type, listener] of listeners) vault?.removeEventListener(type, listener);
      });
    };
  }, [httpClient]);
}
