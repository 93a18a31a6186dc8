import { BaseEthereumWallet, WalletStamper, WalletStamperError } from "@turnkey/wallet-stamper";
import { describe, expect, it } from "vitest";
import { TurnkeyError } from "../shared/errors.ts";
import { isUserCanceled } from "./user-canceled.ts";

/** An EIP-1193 provider error as wallets throw it. */
const providerError = (code: number, message: string) => Object.assign(new Error(message), { code });

/** A wallet whose provider answers `personal_sign` with `error`, behind Turnkey's own WalletStamper. */
function refusingWallet(error: unknown) {
  return new (class extends BaseEthereumWallet {
    async signMessage(): Promise<`0x${string}`> {
      throw error;
    }
  })();
}

describe("isUserCanceled", () => {
  it("recognises a dismissed WebAuthn prompt and a wallet's 4001, bare or wrapped", () => {
    expect(isUserCanceled(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError"))).toBe(true);
    expect(isUserCanceled(providerError(4001, "User rejected the request."))).toBe(true);
    expect(isUserCanceled(new WalletStamperError("Failed to sign the message", providerError(4001, "User rejected")))).toBe(true);
    expect(isUserCanceled(new Error("stamp failed", { cause: new DOMException("denied", "NotAllowedError") }))).toBe(true);
    expect(isUserCanceled({ code: 4001, message: "plain object, as some providers reject" })).toBe(true);
    expect(isUserCanceled(new TurnkeyError("canceled", "USER_CANCELED"))).toBe(true);
  });

  it("recognises a refusal wrapped by Turnkey's WalletStamper itself", async () => {
    const thrown = await new WalletStamper(refusingWallet(providerError(4001, "User rejected the request."))).stamp("{}").catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(WalletStamperError);
    expect(isUserCanceled(thrown)).toBe(true);
  });

  it("does not take other failures for a refusal", async () => {
    expect(isUserCanceled(new DOMException("bad rp id", "SecurityError"))).toBe(false);
    expect(isUserCanceled(providerError(4100, "Unauthorized"))).toBe(false);
    expect(isUserCanceled(providerError(-32603, "Internal error"))).toBe(false);
    expect(isUserCanceled(new TurnkeyError("timeout", "TIMEOUT"))).toBe(false);
    expect(isUserCanceled(await new WalletStamper(refusingWallet(new Error("locked"))).stamp("{}").catch((e: unknown) => e))).toBe(false);
    for (const value of [undefined, null, "NotAllowedError", 4001, {}]) expect(isUserCanceled(value)).toBe(false);
  });

  it("survives cycles, deep chains and throwing getters", () => {
    const cyclic: Record<string, unknown> = { name: "Error" };
    cyclic.cause = cyclic;
    expect(isUserCanceled(cyclic)).toBe(false);
    let deep: unknown = providerError(4001, "rejected");
    for (let i = 0; i < 50; i++) deep = { cause: deep };
    expect(isUserCanceled(deep)).toBe(false); // too deep to look at: not taken for a refusal
    const hostile = Object.defineProperty({}, "name", { get: () => { throw new Error("getter"); } });
    expect(isUserCanceled(hostile)).toBe(false);
  });
});
