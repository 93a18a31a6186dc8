/**
 * Passkey and wallet logins at the parent organization, as `@turnkey/core`'s `loginWithPasskey`
 * and `loginWithWallet` make them: `stampStampLogin` for `config.organizationId` with the
 * passkey or wallet stamper, then `sendSignedRequest`, on core's own `TurnkeySDKClientBase`.
 * The credential belongs to a sub-organization's user; the session is that user's.
 */
import { StamperType } from "@turnkey/core";
import type { parseSession as ParseSession } from "@turnkey/core/dist/utils.js";
// @ts-expect-error -- core ships no .d.mts; typed by the import above.
import { parseSession as parseSessionUntyped } from "@turnkey/core/dist/utils.mjs";
import { WalletStamper } from "@turnkey/wallet-stamper";
import { WebauthnStamper } from "@turnkey/webauthn-stamper";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { apiKeyStamper, coreHttpClient, ethereumWallet, expectTurnkeyError, jwtClaims, newKeyPair, softwarePasskey } from "./testing.ts";

const parseSession = parseSessionUntyped as typeof ParseSession;
const ORIGIN = "http://localhost:5173";
const STAMP_LOGIN = "/public/v1/submit/stamp_login";
const UNAUTHENTICATED = 16;

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());
afterEach(() => vi.unstubAllGlobals());

/** A dApp's parent organization with one end user in a sub-organization. */
function dappWithUser() {
  const { organizationId: parentOrganizationId } = standin.createOrganization({ name: "dApp" });
  const { organizationId, userId } = standin.createSubOrganization({ parentOrganizationId, userEmail: "ada@example.com" });
  return { parentOrganizationId, organizationId, userId };
}

function withPasskey(userId: string) {
  const passkey = softwarePasskey(ORIGIN);
  standin.registerCredential({ type: "passkey", userId, credentialId: passkey.credentialId, publicKey: passkey.publicKey, origin: ORIGIN });
  vi.stubGlobal("navigator", { credentials: { get: passkey.get } });
  return passkey;
}

/** What core's `loginWithPasskey` / `buildWalletLoginRequest` + `loginWithWallet` send. */
async function coreLogin(client: ReturnType<typeof coreHttpClient>, parentOrganizationId: string, stampWith: StamperType, publicKey: string) {
  const request = await client.stampStampLogin({ publicKey, organizationId: parentOrganizationId, expirationSeconds: "900" }, stampWith);
  if (!request) throw new Error("no stamper");
  return (await client.sendSignedRequest(request)) as { session: string; activity: { organizationId: string } };
}

describe("passkey login at the parent organization", () => {
  it("gives the sub-organization user's session, which then stamps core's requests", async () => {
    const { parentOrganizationId, organizationId, userId } = dappWithUser();
    const passkey = withPasskey(userId);
    const client = coreHttpClient(standin, { organizationId: parentOrganizationId, passkeyStamper: new WebauthnStamper({ rpId: "localhost" }) });
    const sessionKey = newKeyPair();

    const { session, activity } = await coreLogin(client, parentOrganizationId, StamperType.Passkey, sessionKey.publicKey);

    expect(jwtClaims(session)).toMatchObject({ public_key: sessionKey.publicKey, user_id: userId, organization_id: organizationId });
    expect(activity.organizationId).toBe(organizationId);
    const [request] = standin.requests({ path: STAMP_LOGIN }).slice(-1);
    expect(JSON.parse(request!.rawBody)).toMatchObject({ organizationId: parentOrganizationId });
    expect(request!.verifiedStamp).toEqual({ stamper: "passkey", credentialId: passkey.credentialId, publicKey: passkey.publicKey, userId });

    const sessionClient = coreHttpClient(standin, { organizationId: parentOrganizationId, apiKeyStamper: apiKeyStamper(sessionKey) });
    await expect(sessionClient.getWhoami({ organizationId })).resolves.toMatchObject({ organizationId, userId });
  });

  it("refuses a passkey of another dApp's user, and a sub-organization passkey outside stamp_login", async () => {
    const mine = dappWithUser();
    const theirs = dappWithUser();
    const passkey = withPasskey(theirs.userId);
    const client = coreHttpClient(standin, { organizationId: mine.parentOrganizationId, passkeyStamper: new WebauthnStamper({ rpId: "localhost" }) });

    await expectTurnkeyError(
      coreLogin(client, mine.parentOrganizationId, StamperType.Passkey, newKeyPair().publicKey),
      UNAUTHENTICATED,
      `could not find authenticator in organization or its parent organization organizationId=${mine.parentOrganizationId} credentialId=${passkey.credentialId}`,
    );
    await expectTurnkeyError(
      client.getWhoami({ organizationId: theirs.parentOrganizationId }, StamperType.Passkey),
      UNAUTHENTICATED,
      "could not find authenticator",
    );
    expect(standin.apiKeys(theirs.userId)).toEqual([]);
  });

  it("still checks the assertion: a tampered body is refused", async () => {
    const { parentOrganizationId, userId } = dappWithUser();
    withPasskey(userId);
    const client = coreHttpClient(standin, { organizationId: parentOrganizationId, passkeyStamper: new WebauthnStamper({ rpId: "localhost" }) });
    const request = await client.stampStampLogin({ publicKey: newKeyPair().publicKey, organizationId: parentOrganizationId, expirationSeconds: "900" }, StamperType.Passkey);

    await expectTurnkeyError(
      client.sendSignedRequest({ ...request!, body: request!.body.replace('"900"', '"901"') }),
      UNAUTHENTICATED,
      "challenge is not hex(sha256(body))",
    );
    expect(standin.apiKeys(userId)).toEqual([]);
  });
});

describe("after a login", () => {
  it("serves core's refreshSession stamp_login: the active session's organization, signed by its key", async () => {
    const { parentOrganizationId, organizationId, userId } = dappWithUser();
    const wallet = ethereumWallet();
    standin.registerCredential({ type: "wallet", userId, publicKey: wallet.publicKey });
    const sessionKey = newKeyPair();
    const walletClient = coreHttpClient(standin, { organizationId: parentOrganizationId, walletStamper: new WalletStamper(wallet.wallet) });
    const { session } = await coreLogin(walletClient, parentOrganizationId, StamperType.Wallet, sessionKey.publicKey);
    // Core reads the organization from its storage manager's active session (sdk-client-base.mjs, stampLogin).
    const storageManager = { getActiveSession: async () => parseSession(session) };
    const client = coreHttpClient(standin, { organizationId: parentOrganizationId, apiKeyStamper: apiKeyStamper(sessionKey), storageManager });
    const next = newKeyPair();

    const refreshed = (await client.stampLogin({ publicKey: next.publicKey, expirationSeconds: "3600", invalidateExisting: true })) as { session: string };

    expect(jwtClaims(refreshed.session)).toMatchObject({ public_key: next.publicKey, user_id: userId, organization_id: organizationId });
    expect(JSON.parse(standin.requests({ path: STAMP_LOGIN }).at(-1)!.rawBody)).toMatchObject({ organizationId, generateAppProofs: false });
    expect(standin.apiKeys(userId).map((k) => [k.publicKey, k.invalidated])).toEqual([[sessionKey.publicKey, true], [next.publicKey, false]]);
  });
});

describe("wallet login at the parent organization", () => {
  it("gives the sub-organization user's session for a registered wallet key", async () => {
    const { parentOrganizationId, organizationId, userId } = dappWithUser();
    const wallet = ethereumWallet();
    standin.registerCredential({ type: "wallet", userId, publicKey: wallet.publicKey });
    const client = coreHttpClient(standin, { organizationId: parentOrganizationId, walletStamper: new WalletStamper(wallet.wallet) });
    const sessionKey = newKeyPair();

    const { session } = await coreLogin(client, parentOrganizationId, StamperType.Wallet, sessionKey.publicKey);

    expect(jwtClaims(session)).toMatchObject({ public_key: sessionKey.publicKey, user_id: userId, organization_id: organizationId });
    expect(standin.requests({ path: STAMP_LOGIN }).at(-1)?.verifiedStamp).toEqual({ stamper: "wallet", publicKey: wallet.publicKey, userId });
  });

  it("refuses an unregistered wallet and changes nothing", async () => {
    const { parentOrganizationId, userId } = dappWithUser();
    const stranger = ethereumWallet();
    const client = coreHttpClient(standin, { organizationId: parentOrganizationId, walletStamper: new WalletStamper(stranger.wallet) });

    await expectTurnkeyError(
      coreLogin(client, parentOrganizationId, StamperType.Wallet, newKeyPair().publicKey),
      UNAUTHENTICATED,
      `could not find public key in organization or its parent organization organizationId=${parentOrganizationId} publicKey=${stranger.publicKey}`,
    );
    expect(standin.apiKeys(userId)).toEqual([]);
  });

  it("keeps API keys to their own organization, even for stamp_login", async () => {
    const { parentOrganizationId, organizationId } = dappWithUser();
    const keyPair = newKeyPair();
    standin.mint({ publicKey: keyPair.publicKey, organizationId });
    const client = coreHttpClient(standin, { organizationId: parentOrganizationId, apiKeyStamper: apiKeyStamper(keyPair) });

    await expectTurnkeyError(
      client.stampLogin({ publicKey: newKeyPair().publicKey, organizationId: parentOrganizationId, expirationSeconds: "900" }),
      UNAUTHENTICATED,
      "could not find public key in organization or its parent organization",
    );
  });
});
