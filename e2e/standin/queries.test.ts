/**
 * The queries behind `@turnkey/core`'s `fetchUser` and `fetchWallets`: `get_user`,
 * `list_wallets` and `list_wallet_accounts`, driven by core's own HTTP client and its own
 * paging helper (`fetchAllWalletAccountsWithCursor`, `mapAccountsToWallet` from core's
 * `utils.mjs`), stamped by a session key.
 */
import { mapAccountsToWallet } from "@turnkey/core/dist/utils.js";
// @ts-expect-error -- core ships no .d.mts; the ESM build is the one a dApp bundles.
import { fetchAllWalletAccountsWithCursor as fetchAllAccounts } from "@turnkey/core/dist/utils.mjs";
import type { fetchAllWalletAccountsWithCursor } from "@turnkey/core/dist/utils.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { apiKeyStamper, coreHttpClient, expectTurnkeyError, newKeyPair } from "./testing.ts";

const fetchAllWalletAccounts = fetchAllAccounts as typeof fetchAllWalletAccountsWithCursor;
const UNAUTHENTICATED = 16;

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

/** A logged-in end user of a dApp: a sub-organization, its root user, a session key and core's client. */
function loggedInUser(fields: { userEmail?: string; userPhoneNumber?: string } = {}) {
  const { organizationId: parentOrganizationId } = standin.createOrganization();
  const { organizationId, userId } = standin.createSubOrganization({ parentOrganizationId, userName: "Ada", ...fields });
  const sessionKey = newKeyPair();
  standin.mint({ publicKey: sessionKey.publicKey, organizationId, userId });
  const client = coreHttpClient(standin, { organizationId: parentOrganizationId, apiKeyStamper: apiKeyStamper(sessionKey) });
  return { parentOrganizationId, organizationId, userId, sessionKey, client };
}

describe("get_user (core's fetchUser)", () => {
  it("answers the user with contact details and credentials", async () => {
    const { organizationId, userId, sessionKey, client } = loggedInUser({ userEmail: "ada@example.com", userPhoneNumber: "+15555550100" });

    const { user } = await client.getUser({ organizationId, userId });

    expect(user).toMatchObject({
      userId,
      userName: "Ada",
      userEmail: "ada@example.com",
      userPhoneNumber: "+15555550100",
      authenticators: [],
      userTags: [],
      oauthProviders: [],
      mfaPolicies: [],
    });
    expect(user.apiKeys).toEqual([
      expect.objectContaining({ credential: { publicKey: sessionKey.publicKey, type: "CREDENTIAL_TYPE_LOGIN" }, expirationSeconds: "900" }),
    ]);
    expect(user.createdAt.seconds).toMatch(/^[0-9]+$/);
  });

  it("refuses a user of another organization and a malformed id", async () => {
    const me = loggedInUser();
    const other = loggedInUser();

    await expectTurnkeyError(me.client.getUser({ organizationId: me.organizationId, userId: other.userId }), 5, "no user found with the given ID");
    await expectTurnkeyError(me.client.getUser({ organizationId: me.organizationId, userId: "nope" }), 3, "malformed user ID");
    await expectTurnkeyError(
      me.client.getUser({ organizationId: other.organizationId, userId: other.userId }),
      UNAUTHENTICATED,
      "could not find public key in organization or its parent organization",
    );
  });
});

describe("list_wallets and list_wallet_accounts (core's fetchWallets)", () => {
  it("pages every account through core's cursor helper and maps them onto their wallets", async () => {
    const { organizationId, client } = loggedInUser();
    const main = standin.createWallet({ organizationId, walletName: "Main", accounts: 120 });
    const spare = standin.createWallet({ organizationId, walletName: "Spare", accounts: 3 });

    const { wallets } = await client.getWallets({ organizationId });
    const accounts = await fetchAllWalletAccounts(client, organizationId);

    expect(wallets.map((w) => [w.walletId, w.walletName])).toEqual([[main.walletId, "Main"], [spare.walletId, "Spare"]]);
    expect(accounts.map((a) => a.address)).toEqual([...main.addresses, ...spare.addresses]);
    expect(new Set(accounts.map((a) => a.walletAccountId)).size).toBe(123);
    expect(accounts[0]).toMatchObject({ organizationId, walletId: main.walletId, curve: "CURVE_SECP256K1", addressFormat: "ADDRESS_FORMAT_ETHEREUM", path: "m/44'/60'/0'/0/0", walletDetails: { walletName: "Main" } });
    for (const address of [...main.addresses, ...spare.addresses]) expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const requests = standin.requests({ path: "/public/v1/query/list_wallet_accounts" }).slice(-2);
    expect(requests.map((r) => (r.body as { paginationOptions: unknown }).paginationOptions)).toEqual([
      { limit: "100" },
      { limit: "100", after: accounts[99]!.walletAccountId },
    ]);

    const mapped = mapAccountsToWallet(accounts, new Map(wallets.map((w) => [w.walletId, { ...w, source: "embedded", accounts: [] }])) as never);
    expect(mapped.map((w: { accounts: unknown[] }) => w.accounts.length)).toEqual([120, 3]);
  });

  it("derives Ethereum addresses from the accounts' public keys (EIP-55)", async () => {
    const { organizationId, client } = loggedInUser();
    standin.createWallet({ organizationId, accounts: 2 });
    const { accounts } = await client.getWalletAccounts({ organizationId });
    const { publicKeyToAddress } = await import("viem/accounts");
    const { secp256k1 } = await import("@noble/curves/secp256k1.js");

    for (const account of accounts) {
      const uncompressed = secp256k1.Point.fromHex(account.publicKey!).toHex(false);
      expect(account.address).toBe(publicKeyToAddress(`0x${uncompressed}`));
    }
  });

  it("answers one wallet's accounts, Turnkey's default page of 10, and refuses bad paging", async () => {
    const { organizationId, client } = loggedInUser();
    const wallet = standin.createWallet({ organizationId, accounts: 12 });
    standin.createWallet({ organizationId, accounts: 1 });

    const firstPage = await client.getWalletAccounts({ organizationId, walletId: wallet.walletId });
    expect(firstPage.accounts.map((a) => a.address)).toEqual(wallet.addresses.slice(0, 10));
    expect(firstPage.accounts[0]).not.toHaveProperty("walletDetails");

    await expectTurnkeyError(client.getWalletAccounts({ organizationId, paginationOptions: { limit: "101" } }), 3, "pagination limit");
    await expectTurnkeyError(client.getWalletAccounts({ organizationId, paginationOptions: { after: "nope" } }), 3, "invalid pagination cursor");
    await expectTurnkeyError(client.getWalletAccounts({ organizationId, walletId: crypto.randomUUID() }), 5, "wallet not found");
  });

  it("shows no other organization's wallets", async () => {
    const me = loggedInUser();
    const other = loggedInUser();
    standin.createWallet({ organizationId: other.organizationId });

    await expect(me.client.getWallets({ organizationId: me.organizationId })).resolves.toEqual({ wallets: [] });
    await expect(me.client.getWalletAccounts({ organizationId: me.organizationId })).resolves.toEqual({ accounts: [] });
    await expectTurnkeyError(me.client.getWallets({ organizationId: other.organizationId }), UNAUTHENTICATED, "could not find public key");
  });
});
