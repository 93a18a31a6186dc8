/**
 * `window.turnkeySession` as a page finds it (docs/api.md#finding-the-provider): there before the
 * page's first script, which can call it at once; one frozen object behind a property that no page
 * script can replace; announced whenever the page asks with `turnkeySession:request`; and built
 * only when first read, so a page that never reads it opens no port.
 */
import { expect, test } from "../support/fixtures.ts";
import { VAULT_METHODS } from "../../shared/protocol.ts";

test("defined before the page's first script, which can call it at once", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0], "/first-script.html");
  expect(await page.evaluate(() => (window as unknown as { vaultAtFirstScript: string }).vaultAtFirstScript)).toBe("object");
  expect(await page.evaluate(() => (window as unknown as { earlyCall: Promise<unknown> }).earlyCall)).toEqual({ ok: true });
});

test("one frozen provider behind a property no page script can replace", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0], "/first-script.html");
  const shape = await page.evaluate(() => {
    const descriptor = Object.getOwnPropertyDescriptor(window, "turnkeySession")!;
    const provider = (window as unknown as { turnkeySession: object }).turnkeySession;
    return {
      getter: typeof descriptor.get,
      setter: typeof descriptor.set,
      configurable: descriptor.configurable,
      enumerable: descriptor.enumerable,
      sameEachRead: provider === (window as unknown as { turnkeySession: object }).turnkeySession,
      sameFromGetter: descriptor.get!.call({}) === provider,
      eventTarget: provider instanceof EventTarget,
      frozen: Object.isFrozen(provider),
      ownMethods: Object.keys(provider),
    };
  });
  expect(shape).toEqual({
    getter: "function",
    setter: "undefined",
    configurable: false,
    enumerable: true,
    sameEachRead: true,
    sameFromGetter: true,
    eventTarget: true,
    frozen: true,
    ownMethods: [...VAULT_METHODS, "registerStamper", "unregisterStamper"],
  });
});

test("announced each time the page asks, with the provider itself", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0], "/first-script.html");
  const heard = await page.evaluate(() => {
    const { announced } = window as unknown as { announced: { info: unknown; provider: unknown }[] };
    const before = announced.length;
    window.dispatchEvent(new Event("turnkeySession:request"));
    window.dispatchEvent(new Event("turnkeySession:request"));
    const provider = (window as unknown as { turnkeySession: unknown }).turnkeySession;
    return {
      before,
      after: announced.length,
      info: announced.map((detail) => detail.info),
      isTheProvider: announced.every((detail) => detail.provider === provider),
      detailFrozen: announced.every((detail) => Object.isFrozen(detail)),
    };
  });
  expect(heard).toEqual({
    before: 0, // nothing announced by itself since the first script (the document was loading when the page script ran)
    after: 2,
    info: [{ name: "Turnkey Session Vault", version: expect.any(String) }, { name: "Turnkey Session Vault", version: expect.any(String) }],
    isTheProvider: true,
    detailFrozen: true,
  });
});

test("a frame that never reads window.turnkeySession opens no port", async ({ vault, dappServer }) => {
  await vault.worker.evaluate(() => {
    const counter = self as unknown as { connects: number };
    counter.connects = 0;
    chrome.runtime.onConnect.addListener(() => counter.connects++);
  });
  const page = await vault.context.newPage();
  await page.goto(dappServer.url(dappServer.origins[0], "/frame.html"));
  expect(await page.evaluate(() => "turnkeySession" in window)).toBe(true);
  await page.evaluate(() => window.dispatchEvent(new Event("turnkeySession:request"))); // builds the provider, connects nothing
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
  expect(await vault.worker.evaluate(() => (self as unknown as { connects: number }).connects)).toBe(0);
  await page.evaluate(() => (window as unknown as { turnkeySession: { getActiveSessionKey(): Promise<unknown> } }).turnkeySession.getActiveSessionKey());
  expect(await vault.worker.evaluate(() => (self as unknown as { connects: number }).connects)).toBe(1);
});
