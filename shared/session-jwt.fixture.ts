/**
 * Session tokens in Turnkey's JWT format for unit tests: the claims of docs/turnkey.md#sessions-and-the-session-jwt,
 * base64url without padding. The signature is random bytes (the vault does not check it; the
 * stand-in in e2e/ mints properly signed ones).
 */
import { base64UrlEncode, utf8Encode } from "./bytes.ts";

export interface TestClaims {
  exp: number;
  public_key: string;
  session_type?: string;
  user_id?: string;
  organization_id?: string;
  [claim: string]: unknown;
}

export function testSessionToken(claims: TestClaims): string {
  const encode = (value: unknown) => base64UrlEncode(utf8Encode(JSON.stringify(value)));
  const payload = { session_type: "SESSION_TYPE_READ_WRITE", user_id: "user-1", organization_id: "org-1", ...claims };
  return `${encode({ alg: "ES256", typ: "JWT" })}.${encode(payload)}.${base64UrlEncode(crypto.getRandomValues(new Uint8Array(64)))}`;
}
