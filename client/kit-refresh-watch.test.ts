import { describe, expect, it } from "vitest";
import { clientOf, jwtExpiry, noteClients, resyncParams, watchKitRefreshes, type KitClient } from "./kit-refresh-watch.ts";
import { SESSION_VAULT_RESYNC } from "./turnkey-core.ts";

const KEY = "@turnkey/session/v3";

/** A JWT-shaped string whose payload has this `exp` (the signature is not read). */
const jwt = (exp: number, id = "a") => `h.${Buffer.from(JSON.stringify({ exp, id })).toString("base64url")}.s`;

interface FakeSession {
  expiry: number;
  expirationSeconds: string;
  token: string;
}

/** A client whose `refreshSession` (the adapter's) records its calls and renews the session by `length` seconds. */
function fakeClient(session: FakeSession) {
  const calls: unknown[] = [];
  let release: (() => void) | undefined;
  const state = { session, hold: false };
  const client = {
    httpClient: {},
    getSession: async () => ({ ...state.session }),
    refreshSession: async (params?: Record<PropertyKey, unknown>) => {
      calls.push(params);
      if (params?.[SESSION_VAULT_RESYNC]) return { session: state.session.token };
      if (state.hold) await new Promise<void>((r) => (release = r));
      const expiry = state.session.expiry + 100;
      state.session = { ...state.session, expiry, token: jwt(expiry, "renewed") };
      return { session: state.session.token };
    },
  };
  return { client: client as unknown as KitClient, calls, state, release: () => release?.() };
}

describe("watchKitRefreshes", () => {
  it("passes the kit's refresh through and knows its result as the kit's own, once, also while it is under way", async () => {
    const fake = fakeClient({ expiry: 1_000, expirationSeconds: "900", token: jwt(1_000) });
    const known = new Map([[KEY, 1_000]]);
    const watch = watchKitRefreshes(fake.client, known);
    fake.state.hold = true;
    const refreshing = fake.client.refreshSession({ sessionKey: KEY });
    await Promise.resolve();
    // The event can come in before the call resolves: the answer waits for it.
    const asked = watch.madeByKit(jwt(1_100, "renewed"));
    fake.release();
    await refreshing;
    expect(await asked).toBe(true);
    expect(await watch.madeByKit(jwt(1_100, "renewed"))).toBe(false);
    expect(await watch.madeByKit(jwt(1_100, "from another tab"))).toBe(false);
    expect(fake.calls).toEqual([{ sessionKey: KEY }]);
    expect(known.get(KEY)).toBe(1_100);
  });

  it("turns the warn timer's refresh of a session the vault renewed since into a resync", async () => {
    // The kit armed its timer for expiry 1000; the vault's alarm has renewed the session to 1900.
    const fake = fakeClient({ expiry: 1_900, expirationSeconds: "900", token: jwt(1_900) });
    const known = new Map([[KEY, 1_000]]);
    watchKitRefreshes(fake.client, known);
    expect(await fake.client.refreshSession({ sessionKey: KEY, expirationSeconds: "900" })).toEqual({ session: jwt(1_900) });
    expect(fake.calls).toEqual([resyncParams(KEY)]);
    expect(known.get(KEY)).toBe(1_900);
  });

  it("lets the warn timer refresh when the session is the one the kit knows", async () => {
    const fake = fakeClient({ expiry: 1_000, expirationSeconds: "900", token: jwt(1_000) });
    watchKitRefreshes(fake.client, new Map([[KEY, 1_000]]));
    await fake.client.refreshSession({ sessionKey: KEY, expirationSeconds: "900" });
    expect(fake.calls).toEqual([{ sessionKey: KEY, expirationSeconds: "900" }]);
  });

  it("never turns an app's own refresh into a resync", async () => {
    const asked = [
      { sessionKey: KEY, expirationSeconds: "3600" },
      { sessionKey: KEY, expirationSeconds: "900", publicKey: "02ab" },
      { sessionKey: KEY, expirationSeconds: "900", stampWith: "passkey" },
      { sessionKey: KEY, expirationSeconds: "900", invalidateExisitng: true },
      { expirationSeconds: "900" },
      undefined,
    ] as const;
    for (const params of asked) {
      const fake = fakeClient({ expiry: 1_900, expirationSeconds: "900", token: jwt(1_900) });
      watchKitRefreshes(fake.client, new Map([[KEY, 1_000]]));
      await fake.client.refreshSession(params as never);
      expect(fake.calls).toEqual([params]);
    }
  });

  it("passes resyncs through untouched, and undo restores the client", async () => {
    const fake = fakeClient({ expiry: 1_000, expirationSeconds: "900", token: jwt(1_000) });
    const adapters = fake.client.refreshSession;
    const watch = watchKitRefreshes(fake.client, new Map());
    await fake.client.refreshSession(resyncParams(KEY));
    expect(fake.calls).toEqual([resyncParams(KEY)]);
    expect(await watch.madeByKit(jwt(1_000))).toBe(false);
    watch.undo();
    expect(fake.client.refreshSession).toBe(adapters);
  });
});

describe("noteClients and clientOf", () => {
  it("note each client as its init starts, once per class, and find it by its httpClient", async () => {
    const inits: string[] = [];
    class Client {
      httpClient: object | undefined;
      async init(name: string) {
        inits.push(name);
        this.httpClient = { name };
      }
    }
    noteClients(Client as never);
    noteClients(Client as never);
    const a = new Client();
    const b = new Client();
    await a.init("a");
    await b.init("b");
    expect(inits).toEqual(["a", "b"]);
    expect(clientOf(b.httpClient)).toBe(b);
    expect(clientOf(a.httpClient)).toBe(a);
    expect(clientOf({})).toBeUndefined();
  });
});

describe("jwtExpiry", () => {
  it("reads exp, and nothing from what is not a JWT", () => {
    expect(jwtExpiry(jwt(1_234))).toBe(1_234);
    expect(jwtExpiry("not a jwt")).toBeUndefined();
    expect(jwtExpiry(`h.${Buffer.from('{"exp":"soon"}').toString("base64url")}.s`)).toBeUndefined();
  });
});
