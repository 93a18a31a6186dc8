/**
 * `refreshSession` (docs/api.md#refreshsessionparams; docs/turnkey.md#refreshsession-in-the-sdk), single-flight per session.
 *
 * Unlike the SDK, the `stamp_login` is signed with the refreshed session's own key for its own
 * organization, and concurrent refreshes of one session from tabs, the popup and the alarm
 * share one request. Steps: validate against stored state and make the new key pair
 * (`Vault.beginRefresh`), call Turnkey, then store the new session or drop the new key pair
 * (`Vault.finishRefresh`). A failure changes nothing stored.
 *
 * `stampWith: "passkey" | "wallet"` (a page's own call only): the vault still builds the body and
 * makes the new key pair; the calling frame's registered stamper stamps the `stamp_login`
 * (`FrameStamper`), and the session's own key stamps the polls. Such a refresh coalesces only
 * with identical calls of the same frame: a call from another tab waits, then runs its own,
 * stamped by that tab.
 */
import { TurnkeyError } from "../shared/errors.ts";
import type { RefreshSessionResult, VaultSettings } from "../shared/protocol.ts";
import type { RefreshSessionInput } from "../shared/validate.ts";
import type { FrameStamper } from "./frame-stamper.ts";
import { SingleFlight } from "./single-flight.ts";
import type { Stamper, TurnkeyApi } from "./turnkey-client.ts";
import type { Vault } from "./vault.ts";

/** Turnkey's messages for a stamping key it no longer accepts (docs/turnkey.md#error-mapping). */
const EXPIRED_KEY_MESSAGES = [
  "could not find public key in organization or its parent organization",
  "Unauthenticated desc = expired api key publicKey",
];

/** Maps a refresh failure as `@turnkey/core` does; errors the vault already typed keep their code. */
export function toRefreshError(error: unknown): TurnkeyError {
  if (error instanceof TurnkeyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (EXPIRED_KEY_MESSAGES.some((text) => message.includes(text))) return new TurnkeyError(message, "SESSION_EXPIRED", error);
  return new TurnkeyError(`Failed to refresh session: ${message}`, "REFRESH_SESSION_ERROR", error);
}

/** Told when a session's refresh starts and how it ends, whoever asked for it. */
export interface RefreshObserver {
  started(origin: string, sessionKey: string): void;
  finished(origin: string, sessionKey: string, error?: TurnkeyError): void;
}

export class Refresher {
  private readonly flights = new SingleFlight<RefreshSessionResult>();

  constructor(
    private readonly vault: Vault,
    private readonly turnkey: TurnkeyApi,
    private readonly settings: () => Promise<VaultSettings>,
    private readonly observer?: RefreshObserver,
  ) {}

  /** `caller`: the stampers of the page frame that asked; absent for the popup and the alarm. */
  async refresh(origin: string, input: RefreshSessionInput, caller?: FrameStamper): Promise<RefreshSessionResult> {
    const sessionKey = input.sessionKey ?? (await this.vault.getActiveSessionKey(origin));
    if (sessionKey === undefined) throw new TurnkeyError("No active session found", "NO_SESSION_FOUND");
    const { defaultExpirationSeconds, requestTimeoutMs } = await this.settings();
    const resolved: RefreshSessionInput = { ...input, sessionKey, expirationSeconds: input.expirationSeconds ?? defaultExpirationSeconds };
    // A page-stamped refresh is its frame's own: it shares a flight only with that frame's identical calls.
    const stampedBy = resolved.stampWith === "api-key" ? null : (caller?.frame ?? null);
    const params = JSON.stringify([resolved.expirationSeconds, resolved.invalidateExisting, resolved.publicKey ?? null, resolved.stampWith, stampedBy]);
    return this.flights.run(`${origin}\n${sessionKey}`, params, async () => {
      this.observer?.started(origin, sessionKey);
      try {
        const result = await this.run(origin, resolved, requestTimeoutMs, caller);
        this.observer?.finished(origin, sessionKey);
        return result;
      } catch (error) {
        this.observer?.finished(origin, sessionKey, error as TurnkeyError);
        throw error;
      }
    });
  }

  isRefreshing(origin: string, sessionKey: string): boolean {
    return this.flights.isBusy(`${origin}\n${sessionKey}`);
  }

  private async run(origin: string, input: RefreshSessionInput, timeoutMs: number, caller: FrameStamper | undefined): Promise<RefreshSessionResult> {
    const ticket = await this.vault.beginRefresh(origin, input, caller !== undefined);
    const expirationSeconds = input.expirationSeconds!;
    const sessionKeyStamper: Stamper = { stamp: (payload) => this.vault.stampWith(ticket.signer, payload) };
    const { stampWith } = input;
    const stamper: Stamper = stampWith === "api-key" || caller === undefined ? sessionKeyStamper : { stamp: (payload) => caller.stamp(stampWith, payload) };
    let result: RefreshSessionResult;
    try {
      const { session, activity } = await this.turnkey.stampLogin({
        apiBaseUrl: ticket.previous.apiBaseUrl,
        organizationId: ticket.previous.session.organizationId,
        parameters: {
          publicKey: ticket.newKeyPair.publicKey,
          expirationSeconds,
          invalidateExisting: input.invalidateExisting,
          ...(ticket.previous.session.sessionProfileId ? { sessionProfileId: ticket.previous.session.sessionProfileId } : {}),
        },
        stamper,
        pollStamper: sessionKeyStamper,
        timeoutMs,
        // The new key pair is sealed while Turnkey answers: not before the stamp_login is signed
        // and sent, which WebCrypto and the worker would then do after it. The commit awaits it.
        sent: () => void ticket.sealNewKeyPair?.().catch(() => undefined),
      });
      result = { session, activity };
    } catch (error) {
      await this.vault.finishRefresh(ticket);
      throw toRefreshError(error);
    }
    try {
      await this.vault.finishRefresh(ticket, { token: result.session, expirationSeconds });
    } catch (error) {
      throw toRefreshError(error);
    }
    return result;
  }
}
