/**
 * The background's Turnkey API client for `stamp_login` (docs/turnkey.md#stamp_login).
 *
 * Each request is signed as `@turnkey/http`'s `TurnkeyClient.stamp*` methods sign it (`signed`:
 * the URL, the body as `JSON.stringify` of the input, its stamp) without building a
 * `TurnkeyClient`: its constructor makes some 400 closures (the two a refresh built cost ≈ 0.2 ms
 * of it) and it pulls the whole generated client into the worker. A unit test holds the URL,
 * bytes and stamp to the SDK's own.
 * The signed request is then sent here, with a bound `fetch` (cross-fetch hands the SDK an
 * unbound one that throws "Illegal invocation" in a service worker) and a deadline (the SDK's
 * `request` has none, so a silent server would hang it).
 * Non-terminal activities are polled with `get_activity` until they end or the deadline passes.
 * Error replies surface as `@turnkey/http`'s `TurnkeyRequestError`, as the SDK would raise them.
 * The `stamp_login` may be stamped by a page's passkey or wallet stamper, which can wait for its
 * user: the deadline starts once it is stamped, and the polls are stamped by `pollStamper` (the
 * session's own key) so that the user is asked once.
 */
import { TurnkeyRequestError, VERSION } from "@turnkey/http";
import { TurnkeyError } from "../shared/errors.ts";
import type { Stamp } from "../shared/protocol.ts";

export interface Stamper {
  stamp(payload: string): Promise<Stamp>;
}

export interface StampLoginParameters {
  publicKey: string;
  expirationSeconds: string;
  invalidateExisting: boolean;
  sessionProfileId?: string;
}

export interface StampLoginRequest {
  apiBaseUrl: string;
  organizationId: string;
  parameters: StampLoginParameters;
  /** Stamps the `stamp_login` body. */
  stamper: Stamper;
  /** Stamps the `get_activity` polls; default `stamper`. */
  pollStamper?: Stamper;
  /** From the moment the body is stamped, the whole call, polls included, fails with `TIMEOUT` after this long. */
  timeoutMs: number;
  /** Called once the `stamp_login` is on its way: work to do while Turnkey answers. */
  sent?: () => void;
}

export interface Activity {
  id: string;
  status: string;
  result?: { stampLoginResult?: { session?: unknown } };
  [field: string]: unknown;
}

export interface TurnkeyApi {
  stampLogin(request: StampLoginRequest): Promise<{ session: string; activity: Activity }>;
}

export interface TurnkeyApiDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface SignedRequest {
  url: string;
  body: string;
  stamp: Stamp;
}

/** What `TurnkeyClient`'s `stamp<Method>(input)` returns, for the request at `path` of `apiBaseUrl`. */
export async function signed(apiBaseUrl: string, path: string, input: unknown, stamper: Stamper): Promise<SignedRequest> {
  const body = JSON.stringify(input);
  return { url: apiBaseUrl + path, body, stamp: await stamper.stamp(body) };
}

export const STAMP_LOGIN_PATH = "/public/v1/submit/stamp_login";
export const GET_ACTIVITY_PATH = "/public/v1/query/get_activity";
const COMPLETED = "ACTIVITY_STATUS_COMPLETED";
const PENDING_STATUSES = new Set(["ACTIVITY_STATUS_CREATED", "ACTIVITY_STATUS_PENDING", "ACTIVITY_STATUS_CONSENSUS_NEEDED"]);
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 1_000;

export function createTurnkeyApi(deps: TurnkeyApiDeps): TurnkeyApi {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const timeout = () => new TurnkeyError("Turnkey did not answer in time", "TIMEOUT");

  async function send(signed: SignedRequest, deadline: number): Promise<Activity> {
    const remaining = deadline - now();
    if (remaining <= 0) throw timeout();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), remaining);
    let response: Response;
    let text: string;
    try {
      response = await deps.fetch(signed.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Client-Version": VERSION, [signed.stamp.stampHeaderName]: signed.stamp.stampHeaderValue },
        body: signed.body,
        redirect: "error",
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) throw timeout();
      throw new Error(`Network error calling Turnkey: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`.trim());
      throw new TurnkeyError(`Turnkey answered with malformed JSON (HTTP ${response.status})`, "BAD_RESPONSE");
    }
    if (!response.ok) {
      const error = json as { code?: unknown; message?: unknown; details?: unknown };
      if (typeof error?.message !== "string") throw new Error(`${response.status} ${response.statusText}`.trim());
      throw new TurnkeyRequestError({ code: Number(error.code), message: error.message, details: (error.details ?? null) as never });
    }
    const activity = (json as { activity?: Activity } | null)?.activity;
    if (typeof activity !== "object" || activity === null || typeof activity.id !== "string" || typeof activity.status !== "string") {
      throw new TurnkeyError("Turnkey's reply has no activity", "BAD_RESPONSE");
    }
    return activity;
  }

  return {
    async stampLogin({ apiBaseUrl, organizationId, parameters, stamper, pollStamper, timeoutMs, sent }) {
      // Field order is the SDK's; the stamp covers these exact bytes.
      const login = await signed(apiBaseUrl, STAMP_LOGIN_PATH, { parameters, organizationId, timestampMs: String(now()), type: "ACTIVITY_TYPE_STAMP_LOGIN" }, stamper);
      const deadline = now() + timeoutMs;
      const answer = send(login, deadline); // its fetch is called before send's first await
      sent?.();
      let activity = await answer;
      for (let wait = FIRST_POLL_MS; PENDING_STATUSES.has(activity.status); wait = Math.min(wait * 1.5, MAX_POLL_MS)) {
        if (now() + wait >= deadline) throw timeout();
        await sleep(wait);
        activity = await send(await signed(apiBaseUrl, GET_ACTIVITY_PATH, { organizationId, activityId: activity.id }, pollStamper ?? stamper), deadline);
      }
      if (activity.status !== COMPLETED) {
        throw new TurnkeyError(`Turnkey activity ${activity.id} ended with status ${activity.status}`, "REFRESH_SESSION_ERROR");
      }
      const session = activity.result?.stampLoginResult?.session;
      if (typeof session !== "string" || session.length === 0) throw new TurnkeyError("Turnkey's stamp_login result has no session", "BAD_RESPONSE");
      return { session, activity };
    },
  };
}
