/**
 * The script of the stampWith test page (stamp-with.html), bundled by e2e/specs/stamp-with.spec.ts
 * with esbuild: Turnkey's own `WebauthnStamper`, `WalletStamper` (with its `EthereumWallet`) and
 * `TurnkeyClient`, unchanged, as a dApp ships them, plus a test wallet. It puts them on
 * `window.stampWithKit` for the spec to use in the page.
 */
import "./buffer-global.ts";
import { TurnkeyClient } from "@turnkey/http";
import { EthereumWallet, WalletStamper } from "@turnkey/wallet-stamper";
import { WebauthnStamper } from "@turnkey/webauthn-stamper";
import { installTestWallet } from "./test-wallet.ts";

export const stampWithKit = { TurnkeyClient, WebauthnStamper, WalletStamper, EthereumWallet, installTestWallet };
export type StampWithKit = typeof stampWithKit;

(window as { stampWithKit?: StampWithKit }).stampWithKit = stampWithKit;
