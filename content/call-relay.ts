/**
 * The bridge's relay of the page's comlink calls (isolated world): each message from a page port
 * passes the rpc guard, and an allowed call goes on to the background's `Comlink.expose` as the
 * guard rebuilt it, under an id of the bridge's own; the reply goes back to the page port it came
 * from, under the page's id. Only the two ends speak comlink: the bridge checks calls and has
 * nothing to call itself, so unwrapping and re-wrapping each one with a comlink of its own would
 * only cost time (and comlink's bytes in every page).
 *
 * A call that changes nothing is resent once if the worker stopped under it (the port endpoint
 * answers it `SERVICE_UNAVAILABLE`); any other fails with that code rather than risk running twice.
 */
import { thrownReply } from "../shared/comlink-errors.ts";
import { deserializeError } from "../shared/errors.ts";
import { IDEMPOTENT_METHODS, VAULT_METHODS, type VaultMethod } from "../shared/protocol.ts";
import { inspectCall, type ApplyMessage } from "../shared/rpc-guard.ts";

/** Where calls go: the background's current port endpoint (reconnected after a worker restart). */
export interface CallSink {
  postMessage(message: ApplyMessage): void;
}

/** The part of a page `MessagePort` the relay answers on. */
export interface PagePort {
  postMessage(message: unknown): void;
}

interface Call {
  port: PagePort;
  /** The page's comlink id, restored on the reply. */
  pageId: string;
  message: ApplyMessage;
  resent: boolean;
}

export class CallRelay {
  private readonly calls = new Map<string, Call>();
  private lastId = 0;

  constructor(private readonly background: () => CallSink) {}

  /** A message from a page port: an allowed call goes to the background; one refused with an id is answered `VALIDATION_ERROR`; the rest is dropped. */
  fromPage(port: PagePort, data: unknown): void {
    const verdict = inspectCall(data, VAULT_METHODS);
    if (!verdict.ok) {
      if (verdict.id !== undefined) port.postMessage(thrownReply(verdict.id, verdict.error));
      return;
    }
    const { message } = verdict;
    // Page ids are the page's to choose (several ports may reuse one): the background sees the bridge's.
    const call: Call = { port, pageId: message.id, message, resent: false };
    message.id = String(++this.lastId);
    this.calls.set(message.id, call);
    this.background().postMessage(message);
  }

  /** A comlink reply from the background (or the endpoint's `SERVICE_UNAVAILABLE` for a call the worker dropped). */
  fromBackground(data: unknown): void {
    const { id, type, value } = (data ?? {}) as { id?: unknown; type?: unknown; value?: { value?: unknown } };
    const call = typeof id === "string" ? this.calls.get(id) : undefined;
    if (call === undefined) return;
    if (type === "RAW") {
      this.calls.delete(id as string);
      call.port.postMessage({ id: call.pageId, type: "RAW", value });
      return;
    }
    // Rebuilt as a TurnkeyError would be, so a page gets nothing but a name, a message and a code.
    const error = deserializeError(value?.value);
    if (error.code === "SERVICE_UNAVAILABLE" && !call.resent && IDEMPOTENT_METHODS.has(call.message.path[0] as VaultMethod)) {
      call.resent = true;
      this.background().postMessage(call.message);
      return;
    }
    this.calls.delete(id as string);
    call.port.postMessage(thrownReply(call.pageId, error));
  }
}
