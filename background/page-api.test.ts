/**
 * The page API in front of the vault: `stamp` picks the session's or the named key pair's key,
 * and the key-pair methods (`stamp`/`sign` with a `publicKey`, `deleteKeyPair`) count against
 * the origin's call rate like every other signing or writing call, while reads stay free.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { base64UrlDecode, utf8Decode } from "../shared/bytes.ts";
import type { Stamp } from "../shared/protocol.ts";
import { createPageApi, type PageApi } from "./page-api.ts";
import { RateLimiter } from "./quotas.ts";
import type { Refresher } from "./refresh.ts";
import { keyPairKeys, login, ORIGIN, vaultFixture, type VaultFixture } from "./vault.fixture.ts";

let f: VaultFixture;
let api: PageApi;

beforeEach(async () => {
  f = await vaultFixture();
  // A burst of 4 calls, refilled at one a second; these tests never refresh.
  api = createPageApi(ORIGIN, f.vault, {} as Refresher, new RateLimiter(() => f.clock.now, 4, 1));
});

const stampedBy = (stamp: unknown) => JSON.parse(utf8Decode(base64UrlDecode((stamp as Stamp).stampHeaderValue))).publicKey as string;

describe("createPageApi", () => {
  it("stamps with the active session's key, or with the key pair named by publicKey", async () => {
    const sessionKey = await login(f);
    const loginKey = await f.vault.createApiKeyPair(ORIGIN);
    expect(stampedBy(await api.stamp("{}"))).toBe(sessionKey);
    expect(stampedBy(await api.stamp("{}", { publicKey: loginKey.toUpperCase() }))).toBe(loginKey);
  });

  it("rate-limits stamp, sign and deleteKeyPair with FORBIDDEN, changing nothing; reads stay free", async () => {
    const publicKey = await f.vault.createApiKeyPair(ORIGIN);
    await api.sign("{}", { publicKey });
    await api.sign("{}", { publicKey, format: "raw" });
    await api.stamp("{}", { publicKey });
    await api.getActiveSessionKey();
    await api.sign("{}", { publicKey }); // the fourth counted call: the burst is spent
    for (const over of [() => api.sign("{}", { publicKey }), () => api.stamp("{}", { publicKey }), () => api.deleteKeyPair({ publicKey })]) {
      await expect(over()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(keyPairKeys(f.store)).toEqual([`keypair:${publicKey}`]);
    await expect(api.getSession()).resolves.toBeUndefined();
    f.clock.now += 1_000;
    await api.deleteKeyPair({ publicKey });
    expect(keyPairKeys(f.store)).toEqual([]);
  });
});
