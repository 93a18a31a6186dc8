/**
 * The Turnkey API endpoints the stand-in serves: `stamp_login`, `get_activity` and `whoami`.
 *
 * Every call is authenticated as Turnkey does it: the `X-Stamp` must verify over the exact body
 * bytes, and its key must be a live API key of a user of the body's `organizationId`.
 */
import {
  ACTIVITY_STATUS_COMPLETED,
  ACTIVITY_STATUS_FAILED,
  ACTIVITY_STATUS_PENDING,
  type ActivityStore,
  createActivity,
} from "./activities.ts";
import { type Directory, type Organization, type User, UUID } from "./directory.ts";
import {
  activityNotFound,
  badRequestBody,
  badSignature,
  expiredApiKey,
  GrpcCode,
  malformedOrganizationId,
  methodNotAllowed,
  organizationNotFound,
  publicKeyNotFound,
  routeNotFound,
} from "./errors.ts";
import type { Fault } from "./faults.ts";
import { grantSession, parseExpirationSeconds } from "./sessions.ts";
import type { Notarizer } from "./session-jwt.ts";
import { decodeStamp, isCompressedP256PublicKey, verifyStamp } from "./stamp-verify.ts";

export interface ApiState {
  directory: Directory;
  activities: ActivityStore;
  notarizer: Notarizer;
}

export interface ApiRequest {
  path: string;
  method: string;
  stampHeader: string | undefined;
  rawBody: Uint8Array;
  /** The fault this request took, if it shapes the activity. */
  fault: Fault | undefined;
  /** Epoch milliseconds. */
  now: number;
}

interface Caller {
  organization: Organization;
  user: User;
  body: Record<string, unknown>;
}

type Endpoint = (state: ApiState, request: ApiRequest, caller: Caller) => unknown;

const DIGITS = /^[0-9]+$/;

const ENDPOINTS: Record<string, Endpoint> = {
  "/public/v1/submit/stamp_login": stampLogin,
  "/public/v1/query/get_activity": getActivity,
  "/public/v1/query/whoami": whoami,
};

/**
 * Answers one API request.
 * @returns the JSON reply for HTTP 200.
 * @throws ApiError with Turnkey's status, code and message.
 */
export function handleApiRequest(state: ApiState, request: ApiRequest): unknown {
  const endpoint = ENDPOINTS[request.path];
  if (!endpoint) throw routeNotFound();
  if (request.method !== "POST") throw methodNotAllowed();
  return endpoint(state, request, authenticate(state, request));
}

function authenticate({ directory }: ApiState, request: ApiRequest): Caller {
  const stamp = decodeStamp(request.stampHeader, request.path);
  if (!verifyStamp(stamp, request.rawBody)) throw badSignature();

  const body = parseBody(request.rawBody);
  const { organizationId } = body;
  if (typeof organizationId !== "string") throw badRequestBody("organizationId must be a string");
  if (!UUID.test(organizationId)) throw malformedOrganizationId();
  const organization = directory.organization(organizationId);
  if (!organization) throw organizationNotFound();

  const lookup = directory.lookUpKey(organizationId, stamp.publicKey, request.now);
  if (lookup.found === "none") throw publicKeyNotFound(organizationId, stamp.publicKey);
  if (lookup.found === "expired") throw expiredApiKey(stamp.publicKey);
  return { organization, user: lookup.user, body };
}

function parseBody(rawBody: Uint8Array): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawBody));
  } catch {
    throw badRequestBody();
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequestBody();
  return body as Record<string, unknown>;
}

function stampLogin(state: ApiState, request: ApiRequest, { user, body }: Caller): unknown {
  if (body.type !== "ACTIVITY_TYPE_STAMP_LOGIN") {
    throw badRequestBody("type must be ACTIVITY_TYPE_STAMP_LOGIN");
  }
  if (typeof body.timestampMs !== "string" || !DIGITS.test(body.timestampMs)) {
    throw badRequestBody("timestampMs must be a string of digits");
  }
  const { parameters } = body;
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    throw badRequestBody("parameters must be an object");
  }
  const { publicKey, expirationSeconds, invalidateExisting, sessionProfileId } =
    parameters as Record<string, unknown>;
  if (!isCompressedP256PublicKey(publicKey)) {
    throw badRequestBody("parameters.publicKey must be a compressed P-256 public key in hex");
  }
  if (expirationSeconds !== undefined && typeof expirationSeconds !== "string") {
    throw badRequestBody("parameters.expirationSeconds must be a string");
  }
  const seconds = parseExpirationSeconds(expirationSeconds);
  if (invalidateExisting !== undefined && typeof invalidateExisting !== "boolean") {
    throw badRequestBody("parameters.invalidateExisting must be a boolean");
  }
  if (sessionProfileId !== undefined && typeof sessionProfileId !== "string") {
    throw badRequestBody("parameters.sessionProfileId must be a string");
  }

  const activity = createActivity({
    organizationId: user.organizationId,
    type: "ACTIVITY_TYPE_STAMP_LOGIN",
    status: ACTIVITY_STATUS_COMPLETED,
    intent: { stampLoginIntent: parameters },
    rawBody: request.rawBody,
    now: request.now,
  });
  const run = (now: number) => ({
    stampLoginResult: {
      session: grantSession(state.directory, state.notarizer, {
        user,
        publicKey,
        expirationSeconds: seconds,
        sessionType: "SESSION_TYPE_READ_WRITE",
        invalidateExisting: invalidateExisting === true,
        now,
      }),
    },
  });

  const { fault } = request;
  if (fault?.activityStatus !== undefined) {
    activity.status = fault.activityStatus;
    if (fault.activityStatus === ACTIVITY_STATUS_FAILED) {
      activity.failure = { code: GrpcCode.Internal, message: "activity failed (injected fault)", details: [] };
    }
    state.activities.add(activity);
  } else if (fault?.pendingPolls !== undefined) {
    activity.status = ACTIVITY_STATUS_PENDING;
    state.activities.addPending(activity, fault.pendingPolls, run);
  } else {
    activity.result = run(request.now);
    state.activities.add(activity);
  }
  return { activity };
}

function getActivity(state: ApiState, request: ApiRequest, { organization, body }: Caller): unknown {
  if (typeof body.activityId !== "string") throw badRequestBody("activityId must be a string");
  const activity = state.activities.read(organization.id, body.activityId, request.now);
  if (!activity) throw activityNotFound();
  return { activity };
}

function whoami(_state: ApiState, _request: ApiRequest, { organization, user }: Caller): unknown {
  return {
    organizationId: organization.id,
    organizationName: organization.name,
    userId: user.id,
    username: user.username,
  };
}
