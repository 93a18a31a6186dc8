/**
 * The refresh rows' common loop (measure-refresh, measure-kit-refresh, measure-floors): two sides
 * refresh alternately, `warmup` times each and then `count` times each (the order flips every
 * pair), and every timed refresh must be answered 200 by the stand-in with a session of its own,
 * so a side that skipped the network cannot look fast.
 */
import type { Standin } from "../../e2e/standin/server.ts";

export type TimedRefresh = () => Promise<{ ms: number; session: string }>;

export interface AlternatingRefreshes<S extends string> {
  /** Each side's times, one round (a one-sample array) per pair. */
  times: Record<S, number[][]>;
  /** `stamp_login` requests the stand-in answered over the run, warm-up included. */
  stampLogins: number;
}

export async function alternatingRefreshes<S extends string>(
  standin: Standin,
  [first, second]: [S, S],
  refresh: Record<S, TimedRefresh>,
  { count, warmup }: { count: number; warmup: number },
): Promise<AlternatingRefreshes<S>> {
  const path = "/public/v1/submit/stamp_login";
  const before = standin.requests({ path }).length;
  for (let i = 0; i < warmup; i++) {
    await refresh[first]();
    await refresh[second]();
  }
  const times = { [first]: [], [second]: [] } as unknown as Record<S, number[][]>;
  const sessions = new Set<string>();
  for (let i = 0; i < count; i++) {
    for (const side of i % 2 === 0 ? [first, second] : [second, first]) {
      const { ms, session } = await refresh[side]();
      times[side].push([ms]);
      sessions.add(session);
    }
  }
  const calls = standin.requests({ path }).slice(before);
  const failed = calls.filter((c) => c.status !== 200).length;
  if (calls.length !== 2 * (count + warmup) || failed > 0 || sessions.size !== 2 * count) {
    throw new Error(`expected ${2 * (count + warmup)} successful stamp_login calls and ${2 * count} new sessions, saw ${calls.length} calls (${failed} failed) and ${sessions.size} sessions`);
  }
  return { times, stampLogins: calls.length };
}
