/**
 * Frames with an opaque origin (a sandboxed iframe without `allow-same-origin`, origin "null"):
 * the vault keeps sessions per origin and has none to give them. `window.turnkeySession` is
 * there as everywhere, and every call is refused in the page with `UNSUPPORTED_PLATFORM` and its
 * own message, without a port to the worker; the bridge ignores handshakes from such a frame.
 */
import type { Frame, Page } from "@playwright/test";
import { expect, test } from "../support/fixtures.ts";
import { VAULT_METHODS } from "../../shared/protocol.ts";
import { call, login, value } from "../support/vault-calls.ts";

test.beforeEach(({ standin }) => standin.reset());

async function embedSandboxed(page: Page, src: string, sandbox: string): Promise<Frame> {
  await page.evaluate(
    ([src, sandbox]) => {
      const frame = document.createElement("iframe");
      frame.setAttribute("sandbox", sandbox);
      frame.src = src;
      document.body.append(frame);
      return new Promise((resolve) => frame.addEventListener("load", resolve));
    },
    [src, sandbox] as const,
  );
  const frame = page.frames().find((f) => f.url().startsWith(src))!;
  await frame.waitForFunction(() => !!(window as { turnkeySession?: unknown }).turnkeySession);
  return frame;
}

test("a sandboxed iframe gets a clear refusal and opens no port to the worker", async ({ vault, standin, dappServer, openDapp }) => {
  const origin = dappServer.origins[0];
  const page = await openDapp(vault, origin);
  await login(page, standin);
  const frame = await embedSandboxed(page, dappServer.url(origin, "/frame.html"), "allow-scripts");
  expect(await frame.evaluate(() => self.origin)).toBe("null");

  // Count the connections the worker accepts from now on.
  await vault.worker.evaluate(() => {
    const counter = self as unknown as { connects: number };
    counter.connects = 0;
    chrome.runtime.onConnect.addListener(() => counter.connects++);
  });
  const connects = () => vault.worker.evaluate(() => (self as unknown as { connects: number }).connects);

  const provider = await frame.evaluate((methods) => {
    const p = (window as unknown as { turnkeySession: Record<string, unknown> }).turnkeySession;
    return { frozen: Object.isFrozen(p), methods: methods.filter((m) => typeof p[m] === "function") };
  }, [...VAULT_METHODS]);
  expect(provider.frozen).toBe(true);
  expect(provider.methods).toEqual(VAULT_METHODS);

  for (const method of ["getSession", "createApiKeyPair", "getActiveSessionKey"]) {
    const outcome = await call(frame, method);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toMatchObject({ name: "TurnkeyError", code: "UNSUPPORTED_PLATFORM", isError: true });
      expect(outcome.error.message).toBe("A sandboxed frame cannot use the vault");
    }
  }
  const stamp = await call(frame, "stamp", "{}");
  expect(stamp.ok ? null : stamp.error.code).toBe("UNSUPPORTED_PLATFORM");
  const register = await frame.evaluate(() =>
    (window as unknown as { turnkeySession: { registerStamper(t: string, s: object): Promise<void> } }).turnkeySession
      .registerStamper("passkey", { stamp: async () => ({ stampHeaderName: "X-Stamp-Webauthn", stampHeaderValue: "{}" }) })
      .then(
        () => "registered",
        (e: { code?: string }) => e.code,
      ),
  );
  expect(register).toBe("UNSUPPORTED_PLATFORM");

  // A handshake of the frame's own making gets no answer and opens nothing either.
  const answered = await frame.evaluate(async () => {
    const { port1, port2 } = new MessageChannel();
    let answered = false;
    port1.onmessage = () => (answered = true);
    window.postMessage({ "turnkey-session-vault": "connect" }, "*", [port2]);
    port1.postMessage({ id: "x", type: "APPLY", path: ["getSession"], argumentList: [] });
    await new Promise((resolve) => setTimeout(resolve, 500));
    return answered;
  });
  expect(answered).toBe(false);
  expect(await connects()).toBe(0);

  // The same frame allowed its origin is served as usual (and this is what the counter counts).
  const sameOrigin = await embedSandboxed(page, dappServer.url(origin, "/frame.html?same"), "allow-scripts allow-same-origin");
  expect(await value(sameOrigin, "getActiveSessionKey")).toBe("@turnkey/session/v3");
  expect(await connects()).toBe(1);
});
