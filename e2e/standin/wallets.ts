/**
 * The stand-in's embedded wallets and their accounts, shaped like `v1Wallet` and
 * `v1WalletAccount` in `@turnkey/http`'s generated types (`public_api.types.d.ts`).
 *
 * `@turnkey/core`'s `fetchWallets` lists them with `list_wallets` and
 * `list_wallet_accounts` (`__clients__/core.mjs`, `fetchAllWalletAccountsWithCursor` in
 * `utils.mjs`). A wallet here is only what those queries show: each Ethereum account gets a
 * fresh secp256k1 key whose address is derived as Ethereum does (keccak-256 of the public key),
 * and the private key is dropped, since the stand-in signs no transactions.
 */
import { randomUUID } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { type Timestamp, timestamp } from "./activities.ts";
import { ApiError, GrpcCode } from "./errors.ts";

export interface Wallet {
  walletId: string;
  walletName: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  exported: boolean;
  imported: boolean;
}

export interface WalletAccount {
  walletAccountId: string;
  organizationId: string;
  walletId: string;
  curve: "CURVE_SECP256K1";
  pathFormat: "PATH_FORMAT_BIP32";
  path: string;
  addressFormat: "ADDRESS_FORMAT_ETHEREUM";
  address: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  publicKey: string;
}

/** Turnkey's default page size for `paginationOptions.limit`, and its maximum. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/** The EIP-55 checksummed address of a secp256k1 public key. */
function ethereumAddress(publicKey: Uint8Array): string {
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  const hex = bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(-20));
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(hex)));
  return `0x${[...hex].map((c, i) => (parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c)).join("")}`;
}

export class WalletStore {
  /** Per organization, in creation order. */
  private readonly wallets = new Map<string, Wallet[]>();
  private readonly accounts = new Map<string, WalletAccount[]>();

  /** Creates a wallet with `accountCount` Ethereum accounts (paths m/44'/60'/0'/0/i). */
  create(organizationId: string, walletName: string, accountCount: number, now: number): { wallet: Wallet; accounts: WalletAccount[] } {
    const at = timestamp(now);
    const wallet: Wallet = { walletId: randomUUID(), walletName, createdAt: at, updatedAt: at, exported: false, imported: false };
    const accounts = Array.from({ length: accountCount }, (_, i): WalletAccount => {
      const publicKey = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
      return {
        walletAccountId: randomUUID(),
        organizationId,
        walletId: wallet.walletId,
        curve: "CURVE_SECP256K1",
        pathFormat: "PATH_FORMAT_BIP32",
        path: `m/44'/60'/0'/0/${i}`,
        addressFormat: "ADDRESS_FORMAT_ETHEREUM",
        address: ethereumAddress(publicKey),
        createdAt: at,
        updatedAt: at,
        publicKey: bytesToHex(publicKey),
      };
    });
    this.wallets.set(organizationId, [...(this.wallets.get(organizationId) ?? []), wallet]);
    this.accounts.set(organizationId, [...(this.accounts.get(organizationId) ?? []), ...accounts]);
    return { wallet, accounts };
  }

  list(organizationId: string): Wallet[] {
    return this.wallets.get(organizationId) ?? [];
  }

  /**
   * One page of accounts, optionally of one wallet, as `list_wallet_accounts` pages them: up to
   * `limit`, after (or before) the account with the cursor id.
   * @throws ApiError (400) for an unknown wallet, cursor or a bad limit.
   */
  page(
    organizationId: string,
    query: { walletId?: string; includeWalletDetails?: boolean; limit?: string; after?: string; before?: string },
  ): (WalletAccount & { walletDetails?: Wallet })[] {
    const wallets = this.list(organizationId);
    if (query.walletId !== undefined && !wallets.some((w) => w.walletId === query.walletId)) {
      throw new ApiError(404, GrpcCode.NotFound, "wallet not found");
    }
    const limit = query.limit === undefined ? DEFAULT_LIMIT : /^[0-9]+$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new ApiError(400, GrpcCode.InvalidArgument, `pagination limit must be between 1 and ${MAX_LIMIT}`);
    let accounts = (this.accounts.get(organizationId) ?? []).filter((a) => query.walletId === undefined || a.walletId === query.walletId);
    const cursor = query.after ?? query.before;
    if (cursor !== undefined) {
      const at = accounts.findIndex((a) => a.walletAccountId === cursor);
      if (at < 0) throw new ApiError(400, GrpcCode.InvalidArgument, "invalid pagination cursor");
      accounts = query.after !== undefined ? accounts.slice(at + 1) : accounts.slice(0, at);
    }
    const page = query.after === undefined && query.before !== undefined ? accounts.slice(-limit) : accounts.slice(0, limit);
    return page.map((account) =>
      query.includeWalletDetails ? { ...account, walletDetails: wallets.find((w) => w.walletId === account.walletId)! } : { ...account },
    );
  }

  clear(): void {
    this.wallets.clear();
    this.accounts.clear();
  }
}
