/**
 * Injected faults: answers the stand-in gives instead of (or on top of) its normal ones.
 *
 * Faults wait in FIFO order. Each API or auth proxy request takes the first fault that matches its
 * path and uses up one of its `times`. A fault without `path` matches every /public/v1 path, except that
 * one shaping the stamp_login activity (`pendingPolls`, `activityStatus`) only matches stamp_login.
 */
import { ApiError, GrpcCode } from "./errors.ts";

const STAMP_LOGIN_PATH = "/public/v1/submit/stamp_login";

export interface Fault {
  /** e.g. "/public/v1/submit/stamp_login" or "/auth-proxy/v1/otp_init_v2"; default: any /public/v1 path. */
  path?: string;
  /** Answer with this HTTP status... */
  status?: number;
  /** ...and this raw body (default: a Turnkey-shaped error JSON for that status). */
  body?: string;
  /** Wait before answering (or before applying the rest of the fault). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** stamp_login answers ACTIVITY_STATUS_PENDING; get_activity returns PENDING this many times, then COMPLETED with the session. */
  pendingPolls?: number;
  /** e.g. "ACTIVITY_STATUS_FAILED": stamp_login answers 200 with an activity in that status and no result. */
  activityStatus?: string;
  /** How many matching requests this fault applies to (default 1). */
  times?: number;
}

const ACTIVITY_STATUSES = new Set([
  "ACTIVITY_STATUS_CREATED",
  "ACTIVITY_STATUS_PENDING",
  "ACTIVITY_STATUS_COMPLETED",
  "ACTIVITY_STATUS_FAILED",
  "ACTIVITY_STATUS_CONSENSUS_NEEDED",
  "ACTIVITY_STATUS_REJECTED",
  "ACTIVITY_STATUS_AUTHENTICATORS_NEEDED",
]);

function invalidFault(reason: string): ApiError {
  return new ApiError(400, GrpcCode.InvalidArgument, `invalid fault: ${reason}`);
}

const isWholeNumber = (value: unknown, min: number) =>
  typeof value === "number" && Number.isInteger(value) && value >= min;

/**
 * Checks a fault given by a test (possibly as JSON over HTTP).
 * @throws ApiError (400) naming the first bad field.
 */
function validateFault(value: unknown): Fault {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidFault("expected an object");
  }
  const fault = value as Record<string, unknown>;
  const known = new Set(["path", "status", "body", "delayMs", "drop", "pendingPolls", "activityStatus", "times"]);
  for (const key of Object.keys(fault)) {
    if (!known.has(key)) throw invalidFault(`unknown field ${key}`);
  }
  if (fault.path !== undefined && typeof fault.path !== "string") throw invalidFault("path must be a string");
  if (fault.status !== undefined && !(isWholeNumber(fault.status, 200) && (fault.status as number) <= 599)) {
    throw invalidFault("status must be an HTTP status from 200 to 599");
  }
  if (fault.body !== undefined && typeof fault.body !== "string") throw invalidFault("body must be a string");
  if (fault.body !== undefined && fault.status === undefined) throw invalidFault("body needs a status");
  if (fault.delayMs !== undefined && !isWholeNumber(fault.delayMs, 0)) {
    throw invalidFault("delayMs must be a whole number of milliseconds");
  }
  if (fault.drop !== undefined && typeof fault.drop !== "boolean") throw invalidFault("drop must be a boolean");
  if (fault.pendingPolls !== undefined && !isWholeNumber(fault.pendingPolls, 0)) {
    throw invalidFault("pendingPolls must be a whole number");
  }
  if (fault.activityStatus !== undefined && !ACTIVITY_STATUSES.has(fault.activityStatus as string)) {
    throw invalidFault("activityStatus must be an ACTIVITY_STATUS_* value");
  }
  if (fault.pendingPolls !== undefined && fault.activityStatus !== undefined) {
    throw invalidFault("pendingPolls and activityStatus exclude each other");
  }
  if (fault.times !== undefined && !isWholeNumber(fault.times, 1)) {
    throw invalidFault("times must be a whole number of at least 1");
  }
  return fault as Fault;
}

function matches(fault: Fault, path: string): boolean {
  if (fault.path !== undefined) return fault.path === path;
  if (!path.startsWith("/public/v1/")) return false;
  const shapesActivity = fault.pendingPolls !== undefined || fault.activityStatus !== undefined;
  return shapesActivity ? path === STAMP_LOGIN_PATH : true;
}

export class FaultQueue {
  private queue: { fault: Fault; usesLeft: number }[] = [];

  /** Queues a fault. @throws ApiError (400) for an invalid one. */
  add(fault: unknown): void {
    const valid = validateFault(fault);
    this.queue.push({ fault: valid, usesLeft: valid.times ?? 1 });
  }

  /** The first queued fault matching `path`, with one of its uses consumed. */
  take(path: string): Fault | undefined {
    const entry = this.queue.find((e) => matches(e.fault, path));
    if (!entry) return undefined;
    entry.usesLeft -= 1;
    if (entry.usesLeft === 0) this.queue = this.queue.filter((e) => e !== entry);
    return entry.fault;
  }

  clear(): void {
    this.queue = [];
  }
}
