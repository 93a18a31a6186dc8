/**
 * Starts the react-wallet-kit test app as a dApp would with the vault: the one line
 * `installSessionVault(TurnkeyClient)` before anything creates a client, then
 * `<TurnkeyProvider>` with the app inside. Without the extension that line resolves `false` and
 * the same app runs on `@turnkey/core`'s in-page defaults.
 *
 * Query parameters: `standin` (the Turnkey stand-in's URL, the kit's `apiBaseUrl`);
 * `autoRefresh=0` turns off the kit's own refresh before expiry (`auth.autoRefreshSession`);
 * `vault=0` leaves the line out, for the benchmark's in-page side in a browser that has the vault.
 */
import "./buffer-global.ts";
import { TurnkeyClient } from "@turnkey/core";
import { TurnkeyProvider, type TurnkeyProviderConfig } from "@turnkey/react-wallet-kit";
import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { installSessionVault } from "../../client/turnkey-core.ts";
import { App } from "./app.ts";

const params = new URLSearchParams(location.search);
const standinUrl = params.get("standin");
if (!standinUrl) throw new Error("the kit app needs ?standin=<the Turnkey stand-in's URL>");

const installed = params.get("vault") === "0" ? false : await installSessionVault(TurnkeyClient);

const config: TurnkeyProviderConfig = {
  apiBaseUrl: standinUrl,
  organizationId: "kit-app-parent-organization",
  // No user and wallet fetches after each change: the app is about sessions.
  autoRefreshManagedState: false,
  auth: { autoRefreshSession: params.get("autoRefresh") !== "0" },
};
const callbacks: string[] = [];

const note = (entry: string) => void callbacks.push(entry);

createRoot(document.getElementById("root")!).render(
  h(TurnkeyProvider, {
    config,
    callbacks: {
      // When, in the page's time: specs that move the clock check which timer fired.
      beforeSessionExpiry: ({ sessionKey }) => note(`beforeSessionExpiry:${sessionKey}@${Date.now()}`),
      onSessionExpired: ({ sessionKey }) => note(`onSessionExpired:${sessionKey}`),
      onError: (error) => note(`onError:${error.code}:${error.message}`),
    },
    children: h(App, { mode: installed ? "vault" : "in-page", standinUrl, callbacks }),
  }),
);
