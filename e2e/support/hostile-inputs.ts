/**
 * fast-check arbitraries for what a hostile page can send. Values are descriptions, JSON-safe
 * so they cross into the page, where `{ $: "function" | "cyclic" | … }` markers become the real
 * thing (functions, cycles, DOM nodes, throwing getters, huge strings…).
 */
import fc from "fast-check";
import type { VaultMethod } from "../../shared/protocol.ts";

export type HostileValue = unknown;

const SPECIALS = ["function", "symbol", "bigint", "nan", "undefined", "map", "date", "bytes", "node", "cyclic", "throwing-getter", "proto", "huge", "deep"];
const special = fc.constantFrom(...SPECIALS).map(($) => ({ $ }));

/** Any value a page might pass: JSON, odd numbers and strings, and the specials above. */
export function hostileValue(): fc.Arbitrary<HostileValue> {
  const leaf = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    special,
    fc.constantFrom("", "__proto__", "constructor", "@turnkey/session/v3", "02" + "ab".repeat(32), "-1", "1e3", "0x10"),
    fc.integer(),
    fc.double(),
  );
  return fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(fc.constantFrom("sessionKey", "sessionToken", "expirationSeconds", "publicKey", "stampWith", "format", "x"), leaf, { maxKeys: 3, noNullPrototype: true }));
}

const PARAM_KEYS: Partial<Record<VaultMethod, string[]>> = {
  storeSession: ["sessionToken", "sessionKey", "apiBaseUrl"],
  refreshSession: ["sessionKey", "expirationSeconds", "invalidateExisitng", "invalidateExisting", "publicKey", "stampWith"],
  getSession: ["sessionKey"],
  setActiveSession: ["sessionKey"],
  clearSession: ["sessionKey"],
  logout: ["sessionKey"],
  deleteKeyPair: ["publicKey"],
};
const NO_ARGS: VaultMethod[] = ["createApiKeyPair", "getAllSessions", "getActiveSessionKey", "clearAllSessions", "clearUnusedKeyPairs"];

const revivesToUndefined = (value: unknown) => value === undefined || (value as { $?: string } | null)?.$ === "undefined";

/** True when `args` could be a valid call of `method` by shape (so it might change state). */
function plausible(method: VaultMethod, args: unknown[]): boolean {
  while (args.length > 0 && revivesToUndefined(args.at(-1))) args = args.slice(0, -1);
  if (NO_ARGS.includes(method)) return args.length === 0;
  if (method === "stamp" || method === "sign") return typeof args[0] === "string" && args.length <= 2;
  if (args.length === 0) return true;
  const [params] = args;
  if (args.length > 1 || typeof params !== "object" || params === null || Array.isArray(params) || Object.hasOwn(params, "$")) return false;
  return Object.keys(params).every((key) => PARAM_KEYS[method]!.includes(key));
}

/** Argument lists that no correct vault may accept for `method`. */
export function invalidArguments(method: VaultMethod): fc.Arbitrary<HostileValue[]> {
  return fc.array(hostileValue(), { minLength: 0, maxLength: 3 }).filter((args) => !plausible(method, args));
}

/** comlink-shaped messages that are not an allowed call with plain arguments. */
export function hostileComlinkMessage(): fc.Arbitrary<HostileValue> {
  const id = fc.oneof(fc.uuid(), fc.constant("x".repeat(80)), fc.integer());
  const badType = fc.constantFrom("GET", "SET", "CONSTRUCT", "ENDPOINT", "RELEASE", "apply", "HANDLER", "");
  const badPath = fc.oneof(
    fc.constant([]),
    fc.constantFrom(["__proto__"], ["constructor"], ["prototype"], ["getSession", "call"], ["stamp", "__proto__"], ["toString"], ["valueOf"]),
    fc.array(fc.string(), { minLength: 1, maxLength: 3 }).filter((p) => !(p.length === 1 && ["getSession", "getAllSessions", "getActiveSessionKey"].includes(p[0]!))),
  );
  const badArgs = fc.oneof(
    fc.array(fc.record({ type: fc.constantFrom("HANDLER", "RAW"), name: fc.constantFrom("proxy", "throw", "x"), value: special }), { minLength: 1, maxLength: 2 }),
    hostileValue(),
  );
  return fc.oneof(
    fc.record({ id, type: badType, path: badPath, argumentList: badArgs }),
    fc.record({ id, type: fc.constant("APPLY"), path: badPath, argumentList: fc.constant([]) }),
    fc.record({ id, type: fc.constant("APPLY"), path: fc.constant(["getSession"]), argumentList: badArgs }),
    hostileValue(),
  );
}
