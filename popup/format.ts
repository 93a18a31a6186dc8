/** How the popup writes ids, durations and states. */
import type { SessionEntry, SessionState } from "../shared/protocol.ts";

export const shorten = (value: string, keep = 6): string => (value.length > keep * 2 + 1 ? `${value.slice(0, keep)}…${value.slice(-keep)}` : value);

/** "14:05", "2 h 05 min", "3 d 4 h", or "expired". */
export function timeLeft(expiry: number, now = Date.now()): string {
  const seconds = Math.max(0, expiry - Math.floor(now / 1000));
  if (seconds === 0) return "expired";
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours >= 24) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  if (hours >= 1) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

export const STATE_LABELS: Record<SessionState, string> = {
  active: "Active",
  refreshing: "Refreshing…",
  "refresh-failed": "Refresh failed",
  expired: "Expired",
};

export const sessionTypeLabel = (entry: SessionEntry): string =>
  entry.session.sessionType === "SESSION_TYPE_READ_ONLY" ? "Read-only" : "Read-write";
