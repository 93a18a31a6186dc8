/*
 * Bench echo service worker: answers every call on a "bench-echo" port at once with a
 * constant (the raw counterpart of the vault's background for a trivial call); "list" with
 * every session entry found in its chrome.storage.local, read once per worker life and
 * flattened in one pass, as the vault's listSessions does, and "count" with their number;
 * and, when its alarm "bench-echo/pass" fires, walks every session for the earliest expiry and
 * re-arms the alarm for it (the raw baselines of the scale bench).
 */
const ANSWER = "@turnkey/session/v3";
let records;

async function listSessions() {
  records ??= chrome.storage.local.get(null);
  const entries = [];
  for (const [key, record] of Object.entries(await records)) {
    if (!key.startsWith("origin:")) continue;
    const origin = key.slice("origin:".length);
    for (const [sessionKey, stored] of Object.entries(record.sessions)) {
      entries.push({ origin, sessionKey, session: stored.session, active: record.activeSessionKey === sessionKey, apiBaseUrl: stored.apiBaseUrl });
    }
  }
  return entries;
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== "bench-echo") return port.disconnect();
  port.onMessage.addListener((message) => {
    if (message.method === "list") {
      void listSessions().then((value) => port.postMessage({ cid: message.cid, value }));
    } else if (message.method === "sign") {
      void floorSign(message.args?.[0] ?? "").then((value) => port.postMessage({ cid: message.cid, value }));
    } else if (message.method === "count") {
      void listSessions().then((value) => port.postMessage({ cid: message.cid, value: value.length }));
    } else {
      port.postMessage({ cid: message.cid, value: ANSWER });
    }
  });
});

chrome.alarms.onAlarm.addListener(async (alarm) => {
  if (alarm.name !== "bench-echo/pass") return;
  let next = Infinity;
  for (const entry of await listSessions()) next = Math.min(next, entry.session.expiry * 1000 - 60_000);
  await chrome.alarms.create("bench-echo/pass", { when: Number.isFinite(next) ? next : Date.now() + 3_600_000 });
});

/*
 * Floors for the vault's signing calls, the same work done bare in this worker with WebCrypto:
 * "sign" (a port call: one P-256 ECDSA signature with a cached non-extractable key, DER, hex)
 * and `self.benchFloor.refresh()` (evaluated in this worker by the bench: a new key pair, a
 * `stamp_login` signed with the cached key, fetch, parse, one storage write).
 */
const floor = { keyPair: undefined, publicKey: "", organizationId: "", baseUrl: "" };
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

async function compressedPublicKey(publicKey) {
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", publicKey));
  return ((raw[64] & 1) === 0 ? "02" : "03") + hex(raw.subarray(1, 33));
}

/** r‖s (WebCrypto) → DER, as Turnkey's API stamps carry it. */
function der(signature) {
  const part = (bytes) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    return trimmed[0] & 0x80 ? [0x02, trimmed.length + 1, 0, ...trimmed] : [0x02, trimmed.length, ...trimmed];
  };
  const body = [...part(signature.subarray(0, 32)), ...part(signature.subarray(32))];
  return new Uint8Array([0x30, body.length, ...body]);
}

async function floorSign(payload) {
  floor.keyPair ??= await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, floor.keyPair.privateKey, new TextEncoder().encode(payload)));
  return hex(der(signature));
}

const base64Url = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

self.benchFloor = {
  /** A login key pair for the floor; resolves its public key for the stand-in to mint a session for. */
  async setup(baseUrl) {
    floor.keyPair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    floor.publicKey = await compressedPublicKey(floor.keyPair.publicKey);
    floor.baseUrl = baseUrl;
    return floor.publicKey;
  },
  configure(organizationId) {
    floor.organizationId = organizationId;
  },
  /** One bare refresh; resolves its milliseconds (this worker's clock) and the new session. */
  async refresh() {
    const t0 = performance.now();
    const next = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    const nextPublicKey = await compressedPublicKey(next.publicKey);
    const body = JSON.stringify({
      type: "ACTIVITY_TYPE_STAMP_LOGIN",
      timestampMs: String(Date.now()),
      organizationId: floor.organizationId,
      parameters: { publicKey: nextPublicKey, expirationSeconds: "900", invalidateExisting: false },
    });
    const stamp = base64Url(JSON.stringify({ publicKey: floor.publicKey, signature: await floorSign(body), scheme: "SIGNATURE_SCHEME_TK_API_P256" }));
    const response = await fetch(`${floor.baseUrl}/public/v1/submit/stamp_login`, { method: "POST", headers: { "Content-Type": "application/json", "X-Stamp": stamp }, body });
    const answer = await response.json();
    const activity = answer.activity;
    const session = activity?.result?.stampLoginResult?.session;
    if (!response.ok || typeof session !== "string") throw new Error(`floor stamp_login failed: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
    await chrome.storage.local.set({ "bench-floor": { session, organizationId: floor.organizationId } });
    // The next refresh signs with the new session's key, as the vault does (Turnkey keeps 10 per user).
    floor.keyPair = next;
    floor.publicKey = nextPublicKey;
    return { ms: performance.now() - t0, session };
  },
};
