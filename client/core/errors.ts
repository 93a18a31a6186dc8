/**
 * Vault errors as `@turnkey/core`'s own `TurnkeyError`.
 *
 * Core keeps an error's code only for its own class (`withTurnkeyErrorHandling` re-wraps anything
 * else with the calling method's code), and react-wallet-kit logs out only on a core
 * `TurnkeyError` with code `SESSION_EXPIRED`. The vault rejects with its page script's error class,
 * so each vault call made for core goes through `viaVault`, which keeps the vault's code and
 * message and attaches the original as `cause`. The class is imported from `@turnkey/core`
 * (which re-exports its own copy of `@turnkey/sdk-types`), never from `@turnkey/sdk-types`
 * directly: an app may hold another copy of that package, with another class.
 */
import { TurnkeyError, TurnkeyErrorCodes } from "@turnkey/core";

/** How the vault writes codes; anything else becomes the fallback code. */
const CODE_SHAPE = /^[A-Z][A-Z_]{0,63}$/;

export function toCoreError(error: unknown, fallbackCode: TurnkeyErrorCodes = TurnkeyErrorCodes.INTERNAL_ERROR): TurnkeyError {
  if (error instanceof TurnkeyError) return error;
  const record = (typeof error === "object" && error !== null ? error : {}) as { name?: unknown; code?: unknown; message?: unknown };
  const code = record.name === "TurnkeyError" && typeof record.code === "string" && CODE_SHAPE.test(record.code) ? (record.code as TurnkeyErrorCodes) : fallbackCode;
  const message = typeof record.message === "string" ? record.message : String(error);
  return new TurnkeyError(message, code, error);
}

/** Runs one vault call; its rejection becomes a core `TurnkeyError` with the vault's code. */
export async function viaVault<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toCoreError(error);
  }
}

/** A core `TurnkeyError` for something the adapter itself refuses. */
export function refusal(message: string, code: TurnkeyErrorCodes): TurnkeyError {
  return new TurnkeyError(message, code);
}
