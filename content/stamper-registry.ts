/**
 * The page's own stampers (docs/api.md#stampwith-passkeys-and-wallets), kept by the
 * page script in the main world.
 *
 * Passkeys and wallets belong to the page: WebAuthn runs for the page's origin and wallets are
 * page providers. So a dApp registers Turnkey's `WebauthnStamper` or `WalletStamper` (any
 * `TStamper`) here, per document, and when the background builds a `stamp_login` with
 * `stampWith: "passkey" | "wallet"` it asks this document, through its bridge, to stamp exactly
 * that body. The request is checked again here (a string payload, a known type), the stamper is
 * called on that payload and nothing else, and the answer is two strings or why there are none.
 */
import { TurnkeyError } from "../shared/errors.ts";
import type { PageStamperType, StampOutcome, StampReply, TStamper } from "../shared/protocol.ts";
import * as stampMessages from "../shared/stamp-messages.ts";
import { isUserCanceled } from "./user-canceled.ts";

function describe(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : String(error);
    return message.slice(0, stampMessages.MAX_REFUSAL_MESSAGE_LENGTH);
  } catch {
    return "the stamper failed";
  }
}

function callableStamp(stamper: unknown): boolean {
  if ((typeof stamper !== "object" && typeof stamper !== "function") || stamper === null) return false;
  try {
    return typeof (stamper as { stamp?: unknown }).stamp === "function";
  } catch {
    return false;
  }
}

export class StamperRegistry {
  private readonly stampers = new Map<PageStamperType, TStamper>();

  /** `registerStamper(type, stamper)`: replaces that type's stamper; returns the types now held. */
  register(args: readonly unknown[]): PageStamperType[] {
    if (args.length !== 2) throw new TurnkeyError("registerStamper takes (type, stamper)", "VALIDATION_ERROR");
    const type = stampMessages.stamperType(args[0], "registerStamper");
    if (!callableStamp(args[1])) {
      throw new TurnkeyError("registerStamper: stamper must have a stamp(payload) method", "VALIDATION_ERROR");
    }
    this.stampers.set(type, args[1] as TStamper);
    return this.types();
  }

  /** `unregisterStamper(type)`; returns the types still held. */
  unregister(args: readonly unknown[]): PageStamperType[] {
    if (args.length !== 1) throw new TurnkeyError("unregisterStamper takes (type)", "VALIDATION_ERROR");
    this.stampers.delete(stampMessages.stamperType(args[0], "unregisterStamper"));
    return this.types();
  }

  types(): PageStamperType[] {
    return [...this.stampers.keys()];
  }

  /** Answers a stamp request from the bridge; `undefined` for a message that is not one. */
  async answer(message: unknown): Promise<StampReply | undefined> {
    const request = stampMessages.stampRequest(message);
    if (request === undefined) return undefined;
    const reply = (outcome: StampOutcome): StampReply => ({ channel: "stamp-reply", requestId: request.requestId, outcome });
    const stamper = this.stampers.get(request.stampWith);
    if (stamper === undefined) {
      return reply({ ok: false, reason: "no-stamper", message: `No ${request.stampWith} stamper is registered in this page` });
    }
    let stamp: unknown;
    try {
      stamp = await stamper.stamp(request.payload);
    } catch (error) {
      return reply({ ok: false, reason: isUserCanceled(error) ? "user-canceled" : "failed", message: describe(error) });
    }
    // Only two strings leave the page; the background checks them again before Turnkey sees them.
    const { stampHeaderName, stampHeaderValue } = (typeof stamp === "object" && stamp !== null ? stamp : {}) as Record<string, unknown>;
    if (typeof stampHeaderName !== "string" || typeof stampHeaderValue !== "string") {
      return reply({ ok: false, reason: "invalid-stamp", message: `The ${request.stampWith} stamper returned no stamp` });
    }
    return reply({ ok: true, stamp: { stampHeaderName, stampHeaderValue } });
  }
}
