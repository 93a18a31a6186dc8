/**
 * Whether a page stamper's error means that its user (or wallet) refused, which the vault reports
 * as `USER_CANCELED` (docs/api.md#stampwith-passkeys-and-wallets): a WebAuthn `NotAllowedError` (the prompt
 * was dismissed, timed out, or user verification failed), an EIP-1193 provider error with code
 * 4001 ("User Rejected Request"), or a `TurnkeyError` already coded `USER_CANCELED`. Turnkey's
 * stampers wrap what they catch (`WalletStamper` throws a `WalletStamperError` whose
 * `originalError` is the provider's), so the causes of an error are searched too.
 */

/** EIP-1193's "User Rejected Request". */
export const EIP1193_USER_REJECTED = 4001;
/** How far down a chain of wrapped errors to look. */
const MAX_DEPTH = 8;
/** Properties that wrappers keep the error they caught in. */
const CAUSE_KEYS = ["cause", "originalError", "error"] as const;

function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined; // a throwing getter says nothing about a refusal
  }
}

export function isUserCanceled(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < MAX_DEPTH) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const name = read(current, "name");
    const code = read(current, "code");
    if (name === "NotAllowedError" || code === EIP1193_USER_REJECTED) return true;
    if (name === "TurnkeyError" && code === "USER_CANCELED") return true;
    for (const key of CAUSE_KEYS) queue.push(read(current, key));
  }
  return false;
}
