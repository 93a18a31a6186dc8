/*
 * Bench echo, isolated world (document_start): forwards page calls from the MessagePort to a
 * chrome.runtime port and the replies back. The raw counterpart of the vault's
 * content/bridge.iife.ts. Like the vault, it connects to the worker when the page connects,
 * reconnects after the worker stopped, and resends calls that were in flight (echo calls are
 * all idempotent).
 */
(() => {
  const TAG = "bench-echo";
  const inFlight = new Map(); // content id -> { pagePort, id, message }
  let nextId = 0;
  let runtimePort;

  function worker() {
    if (!runtimePort) {
      const port = chrome.runtime.connect({ name: "bench-echo" });
      port.onMessage.addListener((reply) => {
        const call = inFlight.get(reply.cid);
        if (!call) return;
        inFlight.delete(reply.cid);
        call.pagePort.postMessage({ id: call.id, value: reply.value });
      });
      port.onDisconnect.addListener(() => {
        if (runtimePort === port) runtimePort = undefined;
        if (inFlight.size > 0) {
          const again = worker();
          for (const call of inFlight.values()) again.postMessage(call.message);
        }
      });
      runtimePort = port;
    }
    return runtimePort;
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window || event.data?.[TAG] !== "connect" || event.ports.length !== 1) return;
    const pagePort = event.ports[0];
    pagePort.onmessage = ({ data }) => {
      const message = { cid: ++nextId, method: data.method, args: data.args };
      inFlight.set(message.cid, { pagePort, id: data.id, message });
      worker().postMessage(message);
    };
    pagePort.postMessage({ ready: true });
    worker();
  });

  window.postMessage({ [TAG]: "content-ready" }, "*");
})();
