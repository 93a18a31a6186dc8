/** A `KeyValueStore` in memory, JSON-copied like `chrome.storage`: for unit tests and benches. */
import type { KeyValueStore } from "./key-value-store.ts";

export interface MemoryStore extends KeyValueStore {
  readonly data: Map<string, unknown>;
  /** Makes the next `set` or `remove` throw, as a failing or dying storage would. */
  failNextWrite(error?: Error): void;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function memoryStore(initial: Record<string, unknown> = {}): MemoryStore {
  const data = new Map(Object.entries(copy(initial)));
  let failure: Error | undefined;
  const checkFailure = () => {
    const error = failure;
    failure = undefined;
    if (error) throw error;
  };
  return {
    data,
    failNextWrite(error = new Error("storage write failed")) {
      failure = error;
    },
    async getAll() {
      return copy(Object.fromEntries(data));
    },
    async get(key) {
      return data.has(key) ? copy(data.get(key)) : undefined;
    },
    async set(items) {
      checkFailure();
      for (const [key, value] of Object.entries(copy(items))) data.set(key, value);
    },
    async remove(keys) {
      checkFailure();
      for (const key of keys) data.delete(key);
    },
  };
}
