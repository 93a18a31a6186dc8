/**
 * `TurnkeyError`: the one error type every context throws and every caller sees.
 *
 * Mirrors `TurnkeyError` of `@turnkey/sdk-types` (name, message, string `code`, optional
 * `cause`), so a dApp written for `@turnkey/core` can switch on `error.code` unchanged.
 * Codes are strings equal to their names, as in the SDK's `TurnkeyErrorCodes`.
 */

/** The subset of `@turnkey/sdk-types`' `TurnkeyErrorCodes` that the vault raises. */
export const TurnkeyErrorCodes = {
  NO_SESSION_FOUND: "NO_SESSION_FOUND",
  SESSION_EXPIRED: "SESSION_EXPIRED",
  REFRESH_SESSION_ERROR: "REFRESH_SESSION_ERROR",
  BAD_RESPONSE: "BAD_RESPONSE",
  INVALID_REQUEST: "INVALID_REQUEST",
  VALIDATION_ERROR: "VALIDATION_ERROR",
  INVALID_CONFIGURATION: "INVALID_CONFIGURATION",
  USER_CANCELED: "USER_CANCELED",
  STORE_SESSION_ERROR: "STORE_SESSION_ERROR",
  CREATE_API_KEY_PAIR_ERROR: "CREATE_API_KEY_PAIR_ERROR",
  API_KEY_STORAGE_UNAVAILABLE: "API_KEY_STORAGE_UNAVAILABLE",
  NOT_FOUND: "NOT_FOUND",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  TIMEOUT: "TIMEOUT",
  NETWORK_ERROR: "NETWORK_ERROR",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL_ERROR: "INTERNAL_ERROR",
  UNSUPPORTED_PLATFORM: "UNSUPPORTED_PLATFORM",
  UNKNOWN: "UNKNOWN",
} as const;

export type TurnkeyErrorCode = (typeof TurnkeyErrorCodes)[keyof typeof TurnkeyErrorCodes];

/** A code as the vault writes them; checked by shape so the pages' scripts need not carry the list. */
const CODE_SHAPE = /^[A-Z][A-Z_]{0,63}$/;

/** An error with a machine-readable `code`; `name` is always `"TurnkeyError"`. */
export class TurnkeyError extends Error {
  override readonly name = "TurnkeyError";
  readonly code: TurnkeyErrorCode;

  constructor(message: string, code: TurnkeyErrorCode, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

/** What crosses a port for an error: no stack, no cause (they may describe the background). */
export interface SerializedTurnkeyError {
  name: "TurnkeyError";
  message: string;
  code: TurnkeyErrorCode;
}

export function serializeError(error: unknown): SerializedTurnkeyError {
  const turnkeyError = toTurnkeyError(error);
  return { name: "TurnkeyError", message: turnkeyError.message, code: turnkeyError.code };
}

export function deserializeError(value: unknown): TurnkeyError {
  const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const message = typeof record.message === "string" ? record.message : "Unknown error";
  const code = typeof record.code === "string" && CODE_SHAPE.test(record.code) ? (record.code as TurnkeyErrorCode) : "UNKNOWN";
  return new TurnkeyError(message, code);
}

/** Any thrown value as a `TurnkeyError`; a foreign error becomes `fallbackCode`. */
export function toTurnkeyError(error: unknown, fallbackCode: TurnkeyErrorCode = "INTERNAL_ERROR"): TurnkeyError {
  if (error instanceof TurnkeyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TurnkeyError(message, fallbackCode, error);
}
