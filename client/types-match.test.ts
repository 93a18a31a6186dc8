/**
 * The package's copy of the vault's types (`types.ts`) stays equal to the extension's
 * (`shared/protocol.ts`, `shared/errors.ts`): checked by the type checker (`npm run typecheck`)
 * and, for the lists, at run time.
 */
import { expect, expectTypeOf, test } from "vitest";
import { TurnkeyErrorCodes } from "../shared/errors.ts";
import * as protocol from "../shared/protocol.ts";
import * as client from "./types.ts";

test("the session, parameter and result types are the extension's", () => {
  expectTypeOf<client.Session>().toEqualTypeOf<protocol.Session>();
  expectTypeOf<client.StoreSessionParams>().toEqualTypeOf<protocol.StoreSessionParams>();
  expectTypeOf<client.RefreshSessionParams>().toEqualTypeOf<protocol.RefreshSessionParams>();
  expectTypeOf<client.RefreshSessionResult>().toEqualTypeOf<protocol.RefreshSessionResult>();
  expectTypeOf<client.Stamp>().toEqualTypeOf<protocol.Stamp>();
  expectTypeOf<client.StampWith>().toEqualTypeOf<protocol.StampWith>();
  expectTypeOf<client.SessionVaultEventType>().toEqualTypeOf<protocol.VaultEventType>();
  expect(client.DEFAULT_SESSION_KEY).toBe(protocol.DEFAULT_SESSION_KEY);
});

test("SessionVault has every method a page may call, with the same results", () => {
  expectTypeOf<Exclude<protocol.VaultMethod, keyof client.SessionVault>>().toEqualTypeOf<never>();
  type Results<T> = { [K in protocol.VaultMethod]: T extends Record<K, (...args: never[]) => infer R> ? R : never };
  expectTypeOf<Results<client.SessionVault>>().toExtend<Results<protocol.VaultApi>>();
  expectTypeOf<Results<protocol.VaultApi>>().toExtend<Results<client.SessionVault>>();
});

test("the error codes are the ones the vault raises", () => {
  expect([...client.SESSION_VAULT_ERROR_CODES].sort()).toEqual(Object.values(TurnkeyErrorCodes).sort());
});
