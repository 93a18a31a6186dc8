/**
 * A minimal flat-mode CDP client over the browser's DevTools WebSocket, for what Playwright's
 * CDP sessions cannot do: flat sessions on any target (an extension's service worker, a page)
 * from one browser-level connection, as bench/profile.ts needs. Needs a global WebSocket
 * (Node ≥ 22, or Node 20 with --experimental-websocket).
 */
type Listener = (params: any, sessionId?: string) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RawCdp {
  send<T = any>(method: string, params?: Record<string, unknown>, sessionId?: string): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  on(event: string, listener: Listener): void;
  close(): void;
}

export async function connectRawCdp(wsEndpoint: string): Promise<RawCdp> {
  const WS = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (!WS) throw new Error("no global WebSocket: run with Node ≥ 22 or node --experimental-websocket");
  const ws = new WS(wsEndpoint);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error(`cannot connect to ${wsEndpoint}`)), { once: true });
  });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }>();
  const listeners = new Map<string, Set<Listener>>();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string }; sessionId?: string };
    if (message.id !== undefined) {
      const waiter = waiting.get(message.id);
      if (!waiter) return;
      waiting.delete(message.id);
      if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
      else waiter.resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners.get(message.method) ?? []) listener(message.params, message.sessionId);
    }
  });
  return {
    send(method, params = {}, sessionId) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
        ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      });
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
    },
    close() {
      ws.close();
    },
  };
}
