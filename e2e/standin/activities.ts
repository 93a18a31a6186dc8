/**
 * Activities: what `stamp_login` submits and `get_activity` reads back, shaped like
 * `v1Activity` in `@turnkey/http`'s generated types.
 *
 * An activity can be held PENDING for a number of reads; the read after those runs it and
 * answers it COMPLETED with its result, as a real activity that waited for consensus would.
 */
import { randomUUID } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

export const ACTIVITY_STATUS_PENDING = "ACTIVITY_STATUS_PENDING";
export const ACTIVITY_STATUS_COMPLETED = "ACTIVITY_STATUS_COMPLETED";
export const ACTIVITY_STATUS_FAILED = "ACTIVITY_STATUS_FAILED";

/** `externaldatav1Timestamp`. */
export interface Timestamp {
  seconds: string;
  nanos: string;
}

export interface Activity {
  id: string;
  organizationId: string;
  status: string;
  type: string;
  intent: Record<string, unknown>;
  result: Record<string, unknown>;
  votes: unknown[];
  fingerprint: string;
  canApprove: boolean;
  canReject: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  failure?: { code: number; message: string; details: unknown[] };
}

/** Turnkey's timestamp of an epoch-milliseconds time. */
export function timestamp(epochMs: number): Timestamp {
  return {
    seconds: String(Math.floor(epochMs / 1000)),
    nanos: String((epochMs % 1000) * 1_000_000),
  };
}

/** A new activity with no result yet, fingerprinted as Turnkey does: sha256 of the body bytes. */
export function createActivity(fields: {
  organizationId: string;
  type: string;
  status: string;
  intent: Record<string, unknown>;
  rawBody: Uint8Array;
  now: number;
}): Activity {
  return {
    id: randomUUID(),
    organizationId: fields.organizationId,
    status: fields.status,
    type: fields.type,
    intent: fields.intent,
    result: {},
    votes: [],
    fingerprint: `sha256:${bytesToHex(sha256(fields.rawBody))}`,
    canApprove: false,
    canReject: false,
    createdAt: timestamp(fields.now),
    updatedAt: timestamp(fields.now),
  };
}

interface Entry {
  activity: Activity;
  pendingReads: number;
  /** Runs a pending activity; absent once it has run. */
  run?: (now: number) => Record<string, unknown>;
}

export class ActivityStore {
  private readonly entries = new Map<string, Entry>();

  /** Stores an activity that is already in its final state. */
  add(activity: Activity): void {
    this.entries.set(activity.id, { activity, pendingReads: 0 });
  }

  /** Stores a PENDING activity that stays so for `pendingReads` reads, then `run`s. */
  addPending(activity: Activity, pendingReads: number, run: (now: number) => Record<string, unknown>): void {
    this.entries.set(activity.id, { activity, pendingReads, run });
  }

  /** The activity as `get_activity` answers it, or undefined if `organizationId` has no such id. */
  read(organizationId: string, id: string, now: number): Activity | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.activity.organizationId !== organizationId) return undefined;
    if (entry.run) {
      if (entry.pendingReads > 0) {
        entry.pendingReads -= 1;
      } else {
        entry.activity.result = entry.run(now);
        entry.activity.status = ACTIVITY_STATUS_COMPLETED;
        entry.activity.updatedAt = timestamp(now);
        delete entry.run;
      }
    }
    return entry.activity;
  }

  clear(): void {
    this.entries.clear();
  }
}
