/*
 * Bench echo list page: the raw baseline of the vault popup's session list. One runtime port
 * to the echo worker, one "list" call, then per session about the DOM the popup draws (origin
 * heading; a card with the key, two chips, user and org id buttons, type and time left, a
 * Refresh and a Log out button) in plain DOM, with no framework, comlink or polyfill.
 */
const port = chrome.runtime.connect({ name: "bench-echo" });
const container = document.querySelector("#sessions");

function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function remaining(expiry) {
  const seconds = Math.max(0, expiry - Math.floor(Date.now() / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

const short = (id) => `${id.slice(0, 6)}…${id.slice(-4)}`;

function card(entry) {
  return el(
    "article",
    {},
    el("header", {}, el("span", {}, entry.sessionKey), entry.active ? el("span", {}, "in use") : "", el("span", {}, "active")),
    el("div", {}, el("button", { type: "button", title: entry.session.userId }, "User ", short(entry.session.userId)), el("button", { type: "button", title: entry.session.organizationId }, "Org ", short(entry.session.organizationId))),
    el("div", {}, el("span", {}, "read-write"), el("span", {}, remaining(entry.session.expiry))),
    el("div", {}, el("button", { type: "button", textContent: "Refresh" }), el("button", { type: "button", textContent: "Log out" })),
  );
}

port.onMessage.addListener(({ value: entries }) => {
  const byOrigin = new Map();
  for (const entry of entries) byOrigin.set(entry.origin, [...(byOrigin.get(entry.origin) ?? []), entry]);
  container.replaceChildren(...[...byOrigin].map(([origin, sessions]) => el("section", {}, el("h2", {}, origin), ...sessions.map(card))));
});
port.postMessage({ cid: 1, method: "list" });
