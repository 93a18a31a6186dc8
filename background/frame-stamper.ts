/**
 * The stampers of one calling frame, as the background reaches them, for
 * `stampWith: "passkey" | "wallet"` (docs/api.md#stampwith-passkeys-and-wallets).
 *
 * A page's passkey and wallet stamps can only be made in that page, so a page-stamped refresh
 * asks the frame whose `refreshSession` it serves: over that frame's own runtime port (bound to
 * one document of the origin the browser reported for it), never another frame's, never another
 * origin's. comlink proxies cannot cross a runtime port, so the request and its reply are
 * messages of their own (`StampRequest`, `StampReply`). The reply is checked before Turnkey sees
 * it (exactly `X-Stamp-Webauthn` for a passkey, `X-Stamp` for a wallet; a bounded header value),
 * a refusal becomes a `TurnkeyError` with the code the contract names, and a request fails when
 * the page does not answer in time or its port closes (tab closed, navigated away).
 */
import { TurnkeyError } from "../shared/errors.ts";
import type { PageStamperType, Stamp, StampOutcome, StampRequest } from "../shared/protocol.ts";
import type { RuntimePort } from "../extension/port-endpoint.ts";
import * as stampMessages from "../shared/stamp-messages.ts";

/**
 * How long a page may take to stamp: longer than a WebAuthn prompt's own limit (Turnkey's
 * `WebauthnStamper` gives its user five minutes), short enough that a page that never answers
 * does not hold its session's refreshes (the alarm's too) for long.
 */
export const PAGE_STAMP_TIMEOUT_MS = 6 * 60_000;

export interface FrameStamper {
  /** Names this frame's connection; page-stamped refreshes coalesce only within one frame. */
  readonly frame: string;
  /** Asks the frame's registered stamper of `type` to stamp exactly `payload`. */
  stamp(type: PageStamperType, payload: string): Promise<Stamp>;
}

export interface FrameStamperOptions {
  timeoutMs?: number;
  newId?: () => string;
}

interface Pending {
  type: PageStamperType;
  resolve(stamp: Stamp): void;
  reject(error: TurnkeyError): void;
}

function refusal(type: PageStamperType, outcome: Extract<StampOutcome, { ok: false }>): TurnkeyError {
  const said = outcome.message ? `: ${outcome.message}` : "";
  switch (outcome.reason) {
    case "no-stamper":
      return new TurnkeyError(
        `No ${type} stamper is registered in the calling page: call window.turnkeySession.registerStamper("${type}", stamper) first`,
        "INVALID_CONFIGURATION",
      );
    case "user-canceled":
      return new TurnkeyError(`The ${type} stamp was refused by the user${said}`, "USER_CANCELED");
    case "failed":
      return new TurnkeyError(`Failed to refresh session: the page's ${type} stamper failed${said}`, "REFRESH_SESSION_ERROR");
    case "invalid-stamp":
      return new TurnkeyError(`The page's ${type} stamper returned no valid stamp${said}`, "VALIDATION_ERROR");
  }
}

let frames = 0;

export function frameStamper(port: RuntimePort, options: FrameStamperOptions = {}): FrameStamper {
  const timeoutMs = options.timeoutMs ?? PAGE_STAMP_TIMEOUT_MS;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const pending = new Map<string, Pending>();
  let closed = false;

  port.onMessage.addListener((message) => {
    const reply = stampMessages.stampReply(message);
    const waiting = reply && pending.get(reply.requestId);
    if (!reply || !waiting) return; // not ours, or an answer that came too late
    pending.delete(reply.requestId);
    if (!reply.outcome.ok) return waiting.reject(refusal(waiting.type, reply.outcome));
    try {
      waiting.resolve(stampMessages.pageStamp(reply.outcome.stamp, waiting.type));
    } catch (error) {
      waiting.reject(error as TurnkeyError);
    }
  });
  port.onDisconnect.addListener(() => {
    closed = true;
    for (const [requestId, waiting] of pending) {
      pending.delete(requestId);
      waiting.reject(new TurnkeyError(`Failed to refresh session: the tab closed or left the page before its ${waiting.type} stamper answered`, "REFRESH_SESSION_ERROR"));
    }
  });

  return {
    frame: `frame-${++frames}`,
    stamp(type, payload) {
      return new Promise<Stamp>((resolve, reject) => {
        if (closed) return reject(new TurnkeyError("Failed to refresh session: the tab that asked for it is gone", "REFRESH_SESSION_ERROR"));
        const requestId = newId();
        const timer = setTimeout(() => {
          if (!pending.delete(requestId)) return;
          reject(new TurnkeyError(`The page's ${type} stamper did not answer within ${Math.round(timeoutMs / 1000)} s`, "TIMEOUT"));
        }, timeoutMs);
        const settle = <T>(done: (value: T) => void) => (value: T) => {
          clearTimeout(timer);
          done(value);
        };
        pending.set(requestId, { type, resolve: settle(resolve), reject: settle(reject) });
        try {
          port.postMessage({ channel: "stamp-request", requestId, stampWith: type, payload } satisfies StampRequest);
        } catch {
          pending.delete(requestId);
          clearTimeout(timer);
          reject(new TurnkeyError("Failed to refresh session: the tab that asked for it is gone", "REFRESH_SESSION_ERROR"));
        }
      });
    },
  };
}
