/**
 * The gate in front of every comlink `expose()` that faces a less trusted context.
 *
 * comlink answers GET, SET, CONSTRUCT, ENDPOINT and RELEASE on any property path and
 * deserialises "proxy" handlers into live MessagePorts. A page must get none of that
 * (docs/architecture.md#hops-and-what-crosses-them: only allow-listed calls cross). `guardEndpoint` lets through
 * only `APPLY` of one allow-listed method name with plain-data arguments, rebuilt from scratch;
 * anything else is answered with a `VALIDATION_ERROR` when it carries an id, and dropped when not.
 */
import type { Endpoint } from "comlink";
import { thrownReply } from "./comlink-errors.ts";
import { TurnkeyError } from "./errors.ts";
import { isPlainObject } from "./plain-object.ts";

const MAX_ARGUMENTS = 4;
const MAX_DEPTH = 16;
const MAX_NODES = 10_000;
/** Characters across all strings and keys of one call; above any real Turnkey body. */
const MAX_CHARS = 2 * (1 << 20);
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export interface ApplyMessage {
  id: string;
  type: "APPLY";
  path: [string];
  argumentList: { type: "RAW"; value: unknown }[];
}

type Verdict = { ok: true; message: ApplyMessage } | { ok: false; id?: string; error: TurnkeyError };

const refuse = (reason: string, id?: string): Verdict => ({
  ok: false,
  ...(id === undefined ? {} : { id }),
  error: new TurnkeyError(`Refused: ${reason}`, "VALIDATION_ERROR"),
});

/** Copies `value` if it is plain JSON-like data within the limits; throws a reason otherwise. */
function copyPlainData(value: unknown, depth: number, budget: { nodes: number; chars: number }): unknown {
  if (--budget.nodes < 0) throw "too many values";
  if (depth > MAX_DEPTH) throw "nested too deeply";
  switch (typeof value) {
    case "undefined":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw "non-finite number";
      return value;
    case "string":
      if ((budget.chars -= value.length) < 0) throw "too large";
      return value;
    case "object": {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => copyPlainData(item, depth + 1, budget));
      if (!isPlainObject(value)) throw "not a plain object";
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) throw `forbidden key "${key}"`;
        if ((budget.chars -= key.length) < 0) throw "too large";
        copy[key] = copyPlainData((value as Record<string, unknown>)[key], depth + 1, budget);
      }
      return copy;
    }
    default:
      throw `a ${typeof value} cannot be sent`;
  }
}

/** Decides whether `data` is an allowed call; pure, so it is unit-tested directly. */
export function inspectCall(data: unknown, allowedMethods: readonly string[]): Verdict {
  if (typeof data !== "object" || data === null) return refuse("not an object");
  const { id, type, path, argumentList } = data as Record<string, unknown>;
  const replyId = typeof id === "string" && id.length > 0 && id.length <= 64 ? id : undefined;
  if (replyId === undefined) return refuse("missing or invalid id");
  if (type !== "APPLY") return refuse(`${JSON.stringify(String(type)).slice(0, 40)} is not allowed`, replyId);
  if (!Array.isArray(path) || path.length !== 1 || typeof path[0] !== "string" || !allowedMethods.includes(path[0])) {
    return refuse("unknown method", replyId);
  }
  if (!Array.isArray(argumentList) || argumentList.length > MAX_ARGUMENTS) return refuse("bad argument list", replyId);
  const budget = { nodes: MAX_NODES, chars: MAX_CHARS };
  const args: ApplyMessage["argumentList"] = [];
  for (const wire of argumentList) {
    if (typeof wire !== "object" || wire === null || (wire as { type?: unknown }).type !== "RAW") return refuse("arguments must be RAW values", replyId);
    try {
      args.push({ type: "RAW", value: copyPlainData((wire as { value?: unknown }).value, 0, budget) });
    } catch (reason) {
      return refuse(typeof reason === "string" ? reason : "unreadable argument", replyId);
    }
  }
  return { ok: true, message: { id: replyId, type: "APPLY", path: [path[0]], argumentList: args } };
}

type Listener = (event: { data: unknown }) => void;

/** An endpoint for `Comlink.expose` that only ever sees allowed calls. */
export function guardEndpoint(inner: Endpoint, allowedMethods: readonly string[]): Endpoint {
  const wrappers = new Map<Listener, EventListener>();
  return {
    postMessage: (message, transfer) => inner.postMessage(message, transfer),
    addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const target = listener as unknown as Listener;
      const wrapper = ((event: MessageEvent) => {
        const verdict = inspectCall(event.data, allowedMethods);
        if (verdict.ok) target({ data: verdict.message });
        else if (verdict.id !== undefined) inner.postMessage(thrownReply(verdict.id, verdict.error));
      }) as EventListener;
      wrappers.set(target, wrapper);
      inner.addEventListener(type, wrapper);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const wrapper = wrappers.get(listener as unknown as Listener);
      if (wrapper) inner.removeEventListener(type, wrapper);
      wrappers.delete(listener as unknown as Listener);
    },
    ...(inner.start ? { start: () => inner.start?.() } : {}),
  };
}
