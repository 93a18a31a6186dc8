/**
 * What `useSessionVaultSync()` needs from react-wallet-kit's own `TurnkeyClient`: to see the
 * refreshes the kit makes itself, and to stop a warn timer that outlived its session.
 *
 * The kit keeps its client to itself (its context has only the `httpClient`), so clients are
 * noted as they initialise and told apart by that `httpClient`. Over the vault adapter's
 * `refreshSession` the watch then:
 * - remembers the sessions the kit's own refreshes returned, so the hook does not make the kit
 *   re-read what it is reading already when their `sessionRefreshed` event comes in;
 * - turns the kit's warn-timer refresh of a session that the vault has renewed since the kit last
 *   looked (the alarm's lead and the kit's warning are both 60 s by default, so the alarm can win
 *   by the few milliseconds its event takes to arrive) into a resync, not a second `stamp_login`.
 */
import type { TurnkeyClient } from "@turnkey/core";
import { SESSION_VAULT_RESYNC, type CoreRefreshParams } from "./turnkey-core.ts";

type RefreshParams = NonNullable<Parameters<TurnkeyClient["refreshSession"]>[0]>;

/** Refresh parameters that make the adapter answer with the vault's session, no `stamp_login`. */
export const resyncParams = (sessionKey: string): RefreshParams => ({ sessionKey, [SESSION_VAULT_RESYNC]: true }) as CoreRefreshParams as RefreshParams;

/** The part of `TurnkeyClient` the watch (and the expiry guard, `./kit-expiry-guard.ts`) uses. */
export type KitClient = Pick<TurnkeyClient, "refreshSession" | "getSession" | "clearSession" | "logout" | "httpClient">;

const clients = new Set<WeakRef<KitClient>>();
const NOTED = Symbol.for("turnkey-session-vault.kit-clients-noted");

/** From now on, notes every client of this class as its `init()` starts (once per class). */
export function noteClients(TurnkeyClientClass: { prototype: Pick<TurnkeyClient, "init"> }): void {
  const prototype = TurnkeyClientClass.prototype as Pick<TurnkeyClient, "init"> & { [NOTED]?: true };
  if (prototype[NOTED]) return;
  const init = prototype.init;
  Object.defineProperty(prototype, NOTED, { value: true });
  prototype.init = function (this: KitClient, ...args: Parameters<TurnkeyClient["init"]>) {
    clients.add(new WeakRef(this));
    return init.apply(this, args);
  };
}

/** The noted client whose `httpClient` this is. */
export function clientOf(httpClient: unknown): KitClient | undefined {
  for (const ref of clients) {
    const client = ref.deref();
    if (!client) clients.delete(ref);
    else if (client.httpClient === httpClient) return client;
  }
  return undefined;
}

/** A session JWT's `exp` (epoch seconds), or undefined if it cannot be read. */
export function jwtExpiry(jwt: string): number | undefined {
  try {
    const payload = jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
    const exp = (JSON.parse(atob(payload)) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}

export interface KitRefreshWatch {
  /** Waits for the kit's refreshes under way; true if one of them returned this session token. */
  madeByKit(token: string): Promise<boolean>;
  /** Puts the client's `refreshSession` back. */
  undo(): void;
}

/** How many of the kit's own refresh results are remembered until their event comes in. */
const REMEMBERED = 16;

/**
 * Wraps `client.refreshSession`. `known` holds, per session key, the latest expiry the kit has
 * learned (the hook fills it from the kit's state; the watch adds what the kit's refreshes return).
 */
export function watchKitRefreshes(client: KitClient, known: Map<string, number>): KitRefreshWatch {
  const refreshSession = client.refreshSession;
  const underWay = new Set<Promise<unknown>>();
  const made = new Set<string>();

  client.refreshSession = async (params) => {
    if ((params as CoreRefreshParams | undefined)?.[SESSION_VAULT_RESYNC]) return refreshSession(params);
    const sessionKey = params?.sessionKey;
    // The kit's warn timer names the session and asks for exactly its length; nothing else.
    if (sessionKey !== undefined && params?.expirationSeconds !== undefined && !params.publicKey && !params.stampWith && params.invalidateExisitng === undefined) {
      const session = await client.getSession({ sessionKey });
      const learned = known.get(sessionKey);
      if (session && learned !== undefined && session.expiry > learned && params.expirationSeconds === session.expirationSeconds) {
        known.set(sessionKey, session.expiry);
        return refreshSession(resyncParams(sessionKey));
      }
    }
    const call = refreshSession(params);
    underWay.add(call);
    try {
      const result = await call;
      if (result?.session) {
        made.add(result.session);
        if (made.size > REMEMBERED) made.delete(made.values().next().value!);
        const expiry = jwtExpiry(result.session);
        if (sessionKey !== undefined && expiry !== undefined) known.set(sessionKey, Math.max(expiry, known.get(sessionKey) ?? 0));
      }
      return result;
    } finally {
      underWay.delete(call);
    }
  };

  return {
    async madeByKit(token) {
      await Promise.allSettled([...underWay]);
      return made.delete(token);
    },
    undo() {
      client.refreshSession = refreshSession;
    },
  };
}
