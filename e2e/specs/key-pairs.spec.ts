/**
 * The key-pair methods that `@turnkey/core`'s stampers use (docs/api.md): `stamp(payload,
 * { publicKey })`, `sign(payload, { publicKey, format })` and `deleteKeyPair({ publicKey })`,
 * through the real bridge in Chromium. Signatures are checked in Node with noble over the exact
 * payload, stamps also by the stand-in; every refusal leaves the extension's storage as it was.
 */
import { p256 } from "@noble/curves/nist.js";
import type { Page } from "@playwright/test";
import type { VaultBrowser } from "../support/browser.ts";
import { expect, test } from "../support/fixtures.ts";
import { call, keyPairKeys, login, value, vaultStorage } from "../support/vault-calls.ts";

test.beforeEach(({ standin }) => standin.reset());

/** Not ASCII: the signature must be over the payload's UTF-8 bytes. */
const PAYLOAD = '{"organizationId":"org","note":"héllo ✓ 𝄞"}';
const UNKNOWN_KEY = "03" + "5a".repeat(32);

type Stamp = { stampHeaderName: string; stampHeaderValue: string };

const bytes = (text: string) => new TextEncoder().encode(text);
const verifies = (signatureHex: string, payload: string, publicKey: string, format: "der" | "compact") =>
  p256.verify(Buffer.from(signatureHex, "hex"), bytes(payload), Buffer.from(publicKey, "hex"), { format, lowS: false });
const stampContent = (stamp: Stamp) =>
  JSON.parse(Buffer.from(stamp.stampHeaderValue, "base64url").toString("utf8")) as { publicKey: string; scheme: string; signature: string };

async function codeOf(page: Page, method: string, ...args: unknown[]): Promise<string> {
  const outcome = await call(page, method, ...args);
  return outcome.ok ? "resolved" : `${outcome.error.name}:${outcome.error.code}`;
}

/** Runs `refusals` (method, args, expected outcome) and checks that storage did not change. */
async function expectRefusals(vault: VaultBrowser, page: Page, refusals: [string, unknown[], string][]): Promise<void> {
  const before = await vaultStorage(vault);
  for (const [method, args, expected] of refusals) {
    expect(await codeOf(page, method, ...args), `${method}(${JSON.stringify(args).slice(0, 120)})`).toBe(expected);
  }
  expect(await vaultStorage(vault)).toEqual(before);
}

async function whoami(page: Page, standinUrl: string, body: string, stamp: Stamp): Promise<{ organizationId?: string; userId?: string }> {
  return page.evaluate(
    async ([url, body, stamp]) => (await fetch(url, { method: "POST", body, headers: { [stamp.stampHeaderName]: stamp.stampHeaderValue } })).json(),
    [`${standinUrl}/public/v1/query/whoami`, body, stamp] as const,
  );
}

test("a login key pair stamps and signs before its session exists, then as the session's key", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const publicKey = await value<string>(page, "createApiKeyPair");

  const stamp = await value<Stamp>(page, "stamp", PAYLOAD, { publicKey });
  expect(stamp.stampHeaderName).toBe("X-Stamp");
  expect(stampContent(stamp)).toMatchObject({ publicKey, scheme: "SIGNATURE_SCHEME_TK_API_P256" });
  expect(verifies(stampContent(stamp).signature, PAYLOAD, publicKey, "der")).toBe(true);

  const der = await value<string>(page, "sign", PAYLOAD, { publicKey });
  const explicitDer = await value<string>(page, "sign", PAYLOAD, { publicKey, format: "der" });
  const raw = await value<string>(page, "sign", PAYLOAD, { publicKey, format: "raw" });
  expect(raw).toMatch(/^[0-9a-f]{128}$/);
  expect(verifies(der, PAYLOAD, publicKey, "der")).toBe(true);
  expect(verifies(explicitDer, PAYLOAD, publicKey, "der")).toBe(true);
  expect(verifies(raw, PAYLOAD, publicKey, "compact")).toBe(true);
  expect(verifies(raw, PAYLOAD.replace("é", "e"), publicKey, "compact")).toBe(false);

  // Turnkey (the stand-in) takes the login key's stamp once its backend registered the key...
  const minted = standin.mint({ publicKey });
  const body = JSON.stringify({ organizationId: minted.organizationId });
  expect(await whoami(page, standin.url, body, await value<Stamp>(page, "stamp", body, { publicKey }))).toMatchObject({ userId: minted.userId });
  // ...and, stored as a session, the same key keeps signing.
  await value(page, "storeSession", { sessionToken: minted.session, apiBaseUrl: standin.url });
  expect(await whoami(page, standin.url, body, await value<Stamp>(page, "stamp", body, { publicKey }))).toMatchObject({ userId: minted.userId });
  expect(verifies(await value<string>(page, "sign", PAYLOAD, { publicKey, format: "raw" }), PAYLOAD, publicKey, "compact")).toBe(true);
});

test("refusals: both key names, unknown keys, another origin's keys, a session's key; storage unchanged", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const pageA = await openDapp(vault, originA);
  const pageB = await openDapp(vault, originB);
  const { publicKey: sessionKeyA } = await login(pageA, standin);
  const loginKeyA = await value<string>(pageA, "createApiKeyPair");
  const loginKeyB = await value<string>(pageB, "createApiKeyPair");
  const { publicKey: sessionKeyB } = await login(pageB, standin, { sessionKey: "b" });

  await expectRefusals(vault, pageA, [
    ["stamp", [PAYLOAD, { sessionKey: "@turnkey/session/v3", publicKey: sessionKeyA }], "TurnkeyError:VALIDATION_ERROR"],
    ["sign", [PAYLOAD, { sessionKey: "@turnkey/session/v3", publicKey: sessionKeyA }], "TurnkeyError:VALIDATION_ERROR"],
    ["sign", [PAYLOAD], "TurnkeyError:VALIDATION_ERROR"],
    ["sign", [PAYLOAD, { publicKey: sessionKeyA, format: "compact" }], "TurnkeyError:VALIDATION_ERROR"],
    ["deleteKeyPair", [{ publicKey: "not a key" }], "TurnkeyError:VALIDATION_ERROR"],
    ["stamp", [PAYLOAD, { publicKey: UNKNOWN_KEY }], "TurnkeyError:INVALID_REQUEST"],
    ["sign", [PAYLOAD, { publicKey: UNKNOWN_KEY, format: "raw" }], "TurnkeyError:INVALID_REQUEST"],
    ["deleteKeyPair", [{ publicKey: UNKNOWN_KEY }], "resolved"],
    // Origin B's keys, a login key and a session's, are unknown to origin A.
    ["stamp", [PAYLOAD, { publicKey: loginKeyB }], "TurnkeyError:INVALID_REQUEST"],
    ["sign", [PAYLOAD, { publicKey: sessionKeyB }], "TurnkeyError:INVALID_REQUEST"],
    ["deleteKeyPair", [{ publicKey: loginKeyB }], "resolved"],
    ["deleteKeyPair", [{ publicKey: sessionKeyB }], "resolved"],
    // A's own session key may sign, but not be deleted while its session exists.
    ["deleteKeyPair", [{ publicKey: sessionKeyA }], "TurnkeyError:INVALID_REQUEST"],
  ]);
  // Refused with the same words whether the key is unknown or another origin's.
  const messages = await Promise.all(
    [UNKNOWN_KEY, loginKeyB, sessionKeyB].map(async (publicKey) => {
      const outcome = await call(pageA, "sign", PAYLOAD, { publicKey });
      return outcome.ok ? "resolved" : outcome.error.message;
    }),
  );
  expect(new Set(messages).size).toBe(1);

  // B's keys still work for B, and A's for A.
  expect(verifies(await value<string>(pageB, "sign", PAYLOAD, { publicKey: loginKeyB }), PAYLOAD, loginKeyB, "der")).toBe(true);
  expect(verifies(await value<string>(pageB, "sign", PAYLOAD, { publicKey: sessionKeyB }), PAYLOAD, sessionKeyB, "der")).toBe(true);
  expect(verifies(await value<string>(pageA, "sign", PAYLOAD, { publicKey: loginKeyA }), PAYLOAD, loginKeyA, "der")).toBe(true);
});

test("deleteKeyPair removes an abandoned login key pair; it can neither sign nor log in afterwards", async ({ vault, standin, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const { publicKey: sessionKey } = await login(page, standin);
  const abandoned = await value<string>(page, "createApiKeyPair");
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${abandoned}`, `keypair:${sessionKey}`].sort());

  expect(await codeOf(page, "deleteKeyPair", { publicKey: abandoned.toUpperCase() })).toBe("resolved");
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${sessionKey}`]);
  await expectRefusals(vault, page, [
    ["stamp", [PAYLOAD, { publicKey: abandoned }], "TurnkeyError:INVALID_REQUEST"],
    ["sign", [PAYLOAD, { publicKey: abandoned }], "TurnkeyError:INVALID_REQUEST"],
    ["storeSession", [{ sessionToken: standin.mint({ publicKey: abandoned }).session, sessionKey: "late" }], "TurnkeyError:INVALID_REQUEST"],
    ["deleteKeyPair", [{ publicKey: abandoned }], "resolved"],
  ]);
  // Logging out releases the session's key pair (and deletes it with the session).
  await value(page, "logout");
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([]);
});

test("the login grace period holds across a worker restart and ends after 10 minutes", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const fresh = await value<string>(page, "createApiKeyPair");
  const stale = await value<string>(page, "createApiKeyPair");
  // Age one key pair past the grace period where it is kept, then restart the worker to read it back.
  const worker = await vault.workerHandle();
  await worker.evaluate(async (key) => {
    const record = (await chrome.storage.local.get(key))[key] as { createdAt: number };
    await chrome.storage.local.set({ [key]: { ...record, createdAt: Date.now() - 10 * 60_000 - 1 } });
  }, `keypair:${stale}`);
  await vault.stopWorker();

  expect(verifies(await value<string>(page, "sign", PAYLOAD, { publicKey: fresh, format: "raw" }), PAYLOAD, fresh, "compact")).toBe(true);
  expect(stampContent(await value<Stamp>(page, "stamp", PAYLOAD, { publicKey: fresh })).publicKey).toBe(fresh);
  expect(await codeOf(page, "sign", PAYLOAD, { publicKey: stale })).toBe("TurnkeyError:INVALID_REQUEST");
  expect(await codeOf(page, "stamp", PAYLOAD, { publicKey: stale })).toBe("TurnkeyError:INVALID_REQUEST");
  // The restarted worker's sweep deleted the stale one; the fresh one is spared.
  expect(keyPairKeys(await vaultStorage(vault))).toEqual([`keypair:${fresh}`]);
});

test("a session's key refuses with SESSION_EXPIRED once the session expired, and cannot be deleted", async ({ vault, standin, dappServer, openDapp }) => {
  const worker = await vault.workerHandle();
  await worker.evaluate(() => chrome.storage.local.set({ settings: { autoRefresh: false } }));
  await vault.stopWorker();
  const page = await openDapp(vault, dappServer.origins[0]);
  const { publicKey, session } = await login(page, standin, { expirationSeconds: 4 });
  const { expiry } = await value<{ expiry: number }>(page, "getSession");
  expect(verifies(await value<string>(page, "sign", PAYLOAD, { publicKey }), PAYLOAD, publicKey, "der")).toBe(true);

  // Hold the alarm off, so that the expired session stays stored to be asked (the alarm would
  // clear it with its key pair at expiry): wait until the scheduler armed it, then clear it.
  const running = await vault.workerHandle();
  await expect.poll(() => running.evaluate(async () => (await chrome.alarms.getAll()).length)).toBeGreaterThan(0);
  await running.evaluate(() => chrome.alarms.clearAll());
  await page.waitForFunction((expiry) => Date.now() > expiry * 1000 + 250, expiry, { timeout: 10_000 });

  await expectRefusals(vault, page, [
    ["stamp", [PAYLOAD, { publicKey }], "TurnkeyError:SESSION_EXPIRED"],
    ["sign", [PAYLOAD, { publicKey, format: "raw" }], "TurnkeyError:SESSION_EXPIRED"],
    ["stamp", [PAYLOAD], "TurnkeyError:SESSION_EXPIRED"],
    ["deleteKeyPair", [{ publicKey }], "TurnkeyError:INVALID_REQUEST"],
  ]);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(session);
});

test("signing calls cut off by a worker restart are resent, not failed (they change nothing)", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const publicKey = await value<string>(page, "createApiKeyPair");
  // A batch of signatures at once (under the origin's burst of 1,000 calls), and the worker
  // stopped meanwhile. Whether the stop lands before the batch is done depends on the machine,
  // so batches are repeated until one was cut off (each restart also resets the rate budget).
  const CALLS = 600;
  type Signing = { settled: number; results: Promise<string[]> };
  let cutOff = 0;
  for (let attempt = 0; attempt < 8 && cutOff === 0; attempt++) {
    await page.evaluate(
      ([publicKey, calls]) => {
        const w = window as unknown as { signing: Signing; turnkeySession: Record<string, (...a: unknown[]) => Promise<unknown>> };
        const signing: Signing = (w.signing = { settled: 0, results: Promise.resolve([]) });
        signing.results = Promise.all(
          Array.from({ length: calls }, (_, i) => {
            const format = i % 2 === 0 ? "der" : "raw";
            return w.turnkeySession.sign!("{}", { publicKey, format })
              .then((signature) => `ok:${format}:${signature}`, (e: { code?: string }) => `error:${e.code}`)
              .finally(() => signing.settled++);
          }),
        );
      },
      [publicKey, CALLS] as const,
    );
    await vault.stopWorker();
    cutOff = CALLS - (await page.evaluate(() => (window as unknown as { signing: Signing }).signing.settled));

    const results = await page.evaluate(() => (window as unknown as { signing: Signing }).signing.results);
    expect(results.filter((result) => !result.startsWith("ok:"))).toEqual([]);
    for (const result of results.filter((_, i) => i % 25 === 0)) {
      const [, format, signature] = result.split(":");
      expect(verifies(signature!, "{}", publicKey, format === "raw" ? "compact" : "der")).toBe(true);
    }
  }
  expect(cutOff, "some calls were still pending when the worker stopped").toBeGreaterThan(0);
  console.log(`key-pairs: ${cutOff} of ${CALLS} signatures were pending when the worker stopped; all resolved`);
});
