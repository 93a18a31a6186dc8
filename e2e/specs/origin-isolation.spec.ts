/**
 * Origin confusion: a cross-origin iframe gets its own origin's vault, messages from other
 * windows and frames are ignored by the bridge, and a web page has no way to reach the popup's
 * privileged connection or to name another origin.
 */
import type { Frame, Page } from "@playwright/test";
import { expect, test } from "../support/fixtures.ts";
import { call, login, value, vaultStorage } from "../support/vault-calls.ts";

test.beforeEach(({ standin }) => standin.reset());

async function embed(page: Page, src: string): Promise<Frame> {
  await page.evaluate((src) => {
    const frame = document.createElement("iframe");
    frame.src = src;
    document.body.append(frame);
    return new Promise((resolve) => frame.addEventListener("load", resolve));
  }, src);
  const frame = page.frames().find((f) => f.url().startsWith(src.split("?")[0]!))!;
  await frame.waitForFunction(() => !!(window as { turnkeySession?: unknown }).turnkeySession);
  return frame;
}

test("a cross-origin iframe gets its own origin's vault", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const page = await openDapp(vault, originA);
  const frame = await embed(page, dappServer.url(originB, "/frame.html"));

  const inFrame = await login(frame, standin);
  expect(await value(page, "getSession")).toBeUndefined();
  expect((await value<{ token: string }>(frame, "getSession")).token).toBe(inFrame.session);
  const storage = await vaultStorage(vault);
  expect(Object.keys(storage).filter((key) => key.startsWith("origin:"))).toEqual([`origin:${originB}`]);

  // The top page logs in too; each sees only its own.
  const top = await login(page, standin);
  expect((await value<{ token: string }>(page, "getSession")).token).toBe(top.session);
  expect((await value<{ token: string }>(frame, "getSession")).token).toBe(inFrame.session);
  const steal = await call(frame, "storeSession", { sessionToken: top.session, apiBaseUrl: standin.url });
  expect(steal.ok ? null : steal.error.code).toBe("INVALID_REQUEST");
});

test("the bridge ignores handshakes and calls coming from other windows", async ({ vault, standin, dappServer, openDapp }) => {
  const [originA, originB] = dappServer.origins;
  const page = await openDapp(vault, originA);
  await login(page, standin);
  const frame = await embed(page, dappServer.url(originB, "/frame.html"));

  // The iframe offers a port to its parent's bridge, and the parent to the iframe's: no answer.
  const fromFrame = await frame.evaluate(async () => {
    const { port1, port2 } = new MessageChannel();
    let answered = false;
    port1.onmessage = () => (answered = true);
    window.parent.postMessage({ "turnkey-session-vault": "connect" }, "*", [port2]);
    port1.postMessage({ id: "x", type: "APPLY", path: ["getSession"], argumentList: [] });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return answered;
  });
  const fromParent = await page.evaluate(async () => {
    const { port1, port2 } = new MessageChannel();
    let answered = false;
    port1.onmessage = () => (answered = true);
    document.querySelector("iframe")!.contentWindow!.postMessage({ "turnkey-session-vault": "connect" }, "*", [port2]);
    port1.postMessage({ id: "x", type: "APPLY", path: ["getSession"], argumentList: [] });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return answered;
  });
  expect({ fromFrame, fromParent }).toEqual({ fromFrame: false, fromParent: false });
  expect(await value(frame, "getSession")).toBeUndefined();
});

test("a page cannot reach the extension's privileged side, name another origin, or detect the extension's files", async ({ vault, dappServer, openDapp }) => {
  const page = await openDapp(vault, dappServer.origins[0]);
  const probe = await page.evaluate(async (extensionUrl) => {
    const runtime = (window as unknown as { chrome?: { runtime?: { connect?: unknown; sendMessage?: unknown } } }).chrome?.runtime;
    const manifest = await fetch(`${extensionUrl}manifest.json`).then(
      () => "readable",
      () => "blocked",
    );
    return { connect: typeof runtime?.connect, sendMessage: typeof runtime?.sendMessage, manifest };
  }, `chrome-extension://${vault.extensionId}/`);
  expect(probe).toEqual({ connect: "undefined", sendMessage: "undefined", manifest: "blocked" });

  for (const params of [{ origin: "http://other.test" }, { sessionKey: "x", origin: "http://other.test" }]) {
    const outcome = await call(page, "getSession", params);
    expect(outcome.ok ? null : outcome.error.code).toBe("VALIDATION_ERROR");
  }
});
