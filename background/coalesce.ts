/**
 * `coalesce(work)`: a function that runs `work` now, or, if it is already running, once more
 * right after; any number of calls during one run cause a single rerun. For passes that must
 * see the latest state but need not run once per trigger (the scheduler's pass and its re-arm).
 */
export function coalesce(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await work();
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };
}
