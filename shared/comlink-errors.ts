/**
 * comlink's "throw" transfer handler, replaced so errors keep their `code`.
 *
 * comlink's own handler sends `{ message, name, stack }` and rebuilds a plain `Error`, which
 * loses `TurnkeyError.code` and leaks the background's stack into pages. Every context calls
 * `installTurnkeyErrorHandler()` once; thrown values then cross as `SerializedTurnkeyError`.
 */
import * as Comlink from "comlink";
import { deserializeError, serializeError, type SerializedTurnkeyError } from "./errors.ts";

type Serialized = { isError: true; value: SerializedTurnkeyError };

let installed: Comlink.TransferHandler<{ value: unknown }, Serialized> | undefined;

export function installTurnkeyErrorHandler(): void {
  const original = Comlink.transferHandlers.get("throw");
  if (!original) throw new Error("comlink: no throw handler");
  if (original === installed) return;
  installed = {
    // comlink marks thrown values with a private symbol; its own test for that mark is reused.
    canHandle: original.canHandle as (value: unknown) => value is { value: unknown },
    serialize: ({ value }) => [{ isError: true, value: serializeError(value) }, []],
    deserialize: (serialized) => {
      throw deserializeError(serialized?.value);
    },
  };
  Comlink.transferHandlers.set("throw", installed);
}

/** A comlink reply that makes the caller's pending call reject with `error`. */
export function thrownReply(id: string, error: unknown): Record<string, unknown> {
  return { id, type: "HANDLER", name: "throw", value: { isError: true, value: serializeError(error) } satisfies Serialized };
}
