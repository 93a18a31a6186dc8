/** A `Later` for unit tests: runs work at once, or, while `held`, queues it until `flush()`. */
import type { Later } from "./after-answer.ts";

export interface HeldLater {
  held: boolean;
  readonly queue: (() => void)[];
  run: Later;
  flush(): void;
}

export function heldLater(): HeldLater {
  const later: HeldLater = {
    held: false,
    queue: [],
    run: (work) => (later.held ? void later.queue.push(work) : work()),
    flush: () => {
      for (const work of later.queue.splice(0)) work();
    },
  };
  return later;
}
