/**
 * Work that the caller of a vault method need not wait for, run in a later task.
 *
 * A call's answer is posted by the microtasks that follow its last step (its storage write
 * resolving); work handed to `afterAnswer` there runs in a task queued behind them, so it no
 * longer holds the answer back. That matters for browser API calls: issuing one costs the worker
 * 0.1–0.3 ms (`storage.local.remove`, `alarms.create`, `tabs.sendMessage`), as much as the rest
 * of a refresh's own steps. Only work whose loss a start-up repairs goes here: a worker stopped
 * before it runs sweeps unused key pairs and re-arms the alarm when it starts again.
 */
export type Later = (work: () => void) => void;

export const afterAnswer: Later = (work) => void setTimeout(work, 0);
