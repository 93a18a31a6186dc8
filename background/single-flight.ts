/**
 * Coalesces concurrent calls per slot (docs/api.md#refreshsessionparams): while a call runs,
 * callers with the same parameters share its promise; a caller with other parameters waits for
 * it to settle and then runs its own. The slot is a session; the parameters are its normalised
 * refresh parameters.
 */
interface Flight<T> {
  params: string;
  promise: Promise<T>;
}

export class SingleFlight<T> {
  private readonly last = new Map<string, Flight<T>>();

  run(slot: string, params: string, work: () => Promise<T>): Promise<T> {
    const previous = this.last.get(slot);
    if (previous?.params === params) return previous.promise;
    const promise = previous ? previous.promise.then(work, work) : work();
    const flight = { params, promise };
    this.last.set(slot, flight);
    const forget = () => {
      if (this.last.get(slot) === flight) this.last.delete(slot);
    };
    promise.then(forget, forget);
    return promise;
  }

  /** How many slots have a call queued or running (for tests and the popup's "refreshing"). */
  isBusy(slot: string): boolean {
    return this.last.has(slot);
  }
}
