/*
 * Bench echo, main world (document_start): `window.benchEcho.call(method, ...args)`.
 * The raw counterpart of the vault's content/page.iife.ts: a MessageChannel handed to the
 * content script with one window.postMessage handshake, then plain port.postMessage per call
 * and a map of pending ids. No comlink, no validation, no error mapping.
 */
(() => {
  const TAG = "bench-echo";
  const pending = new Map();
  let nextId = 0;
  let connection;

  function connect() {
    connection ??= new Promise((resolve) => {
      let port;
      let ready = false;
      const open = () => {
        port?.close();
        const channel = new MessageChannel();
        const current = (port = channel.port1);
        current.onmessage = ({ data }) => {
          if (data?.ready) {
            if (!ready) {
              ready = true;
              window.removeEventListener("message", onContentReady);
              resolve(current);
            }
            return;
          }
          const waiter = pending.get(data?.id);
          if (!waiter) return;
          pending.delete(data.id);
          waiter(data.value);
        };
        window.postMessage({ [TAG]: "connect" }, "*", [channel.port2]);
      };
      const onContentReady = (event) => {
        if (event.source === window && event.data?.[TAG] === "content-ready" && !ready) open();
      };
      window.addEventListener("message", onContentReady);
      open();
    });
    return connection;
  }

  async function call(method, ...args) {
    const port = await connect();
    const id = ++nextId;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      port.postMessage({ id, method, args });
    });
  }

  Object.defineProperty(window, "benchEcho", { value: Object.freeze({ call }), enumerable: false });
})();
