/**
 * The settings form: default API base URL, default expiration, auto-refresh and its lead time.
 * The background validates and saves; its error, if any, is shown next to the form.
 */
import type { VaultSettings } from "../shared/protocol.ts";
import { h } from "./dom.ts";

export function renderSettings(
  container: HTMLElement,
  settings: VaultSettings,
  save: (update: Partial<VaultSettings>) => Promise<string | undefined>,
  close: () => void,
): void {
  const field = (id: string, label: string, input: HTMLInputElement, hint?: string) =>
    h("div", { className: "field" }, h("label", { htmlFor: id }, label), input, hint && h("small", { id: `${id}-hint` }, hint));
  const apiBaseUrl = h("input", { id: "apiBaseUrl", type: "url", value: settings.apiBaseUrl, required: true, spellcheck: false });
  const expiration = h("input", { id: "defaultExpirationSeconds", type: "number", min: "1", step: "1", value: settings.defaultExpirationSeconds, required: true });
  const autoRefresh = h("input", { id: "autoRefresh", type: "checkbox", checked: settings.autoRefresh });
  const lead = h("input", { id: "refreshLeadSeconds", type: "number", min: "5", max: "3600", step: "1", value: String(settings.refreshLeadSeconds), required: true });
  const message = h("p", { className: "form-message", attrs: { role: "status", "aria-live": "polite" } });
  const form = h(
    "form",
    { className: "settings", attrs: { "aria-label": "Settings" } },
    h("h2", {}, "Settings"),
    field("apiBaseUrl", "Default API base URL", apiBaseUrl, "https:, or http://localhost / http://127.0.0.1"),
    field("defaultExpirationSeconds", "Default session length (seconds)", expiration),
    h("div", { className: "field inline" }, autoRefresh, h("label", { htmlFor: "autoRefresh" }, "Refresh sessions automatically")),
    field("refreshLeadSeconds", "Refresh this many seconds before expiry", lead),
    message,
    h("div", { className: "actions" }, h("button", { type: "submit", className: "primary", textContent: "Save" }), h("button", { type: "button", id: "settings-cancel", textContent: "Back" })),
  );
  form.querySelector("#settings-cancel")!.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = await save({
      apiBaseUrl: apiBaseUrl.value.trim(),
      defaultExpirationSeconds: expiration.value.trim(),
      autoRefresh: autoRefresh.checked,
      refreshLeadSeconds: Number(lead.value),
    });
    message.textContent = error ?? "Saved.";
    message.classList.toggle("error", error !== undefined);
  });
  container.replaceChildren(form);
  apiBaseUrl.focus();
}
