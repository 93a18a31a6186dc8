/**
 * Wallet stamps (`X-Stamp`, `SIGNATURE_SCHEME_TK_API_SECP256K1_EIP191`): Turnkey's own
 * `WalletStamper` over an Ethereum wallet that signs with `personal_sign` authenticates whoami
 * and stamp_login; a changed body, an unregistered or foreign key and a garbled signature are
 * refused; the DER Turnkey's `toDerSignature` writes (not always minimal) and high-S are accepted.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { toDerSignature } from "@turnkey/crypto";
import { TurnkeyClient } from "@turnkey/http";
import { WalletStamper } from "@turnkey/wallet-stamper";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./server.ts";
import { ethereumWallet, expectTurnkeyError, jwtClaims, newKeyPair, post, stampLoginBody } from "./testing.ts";
import { eip191Digest, parseDerSignature, WALLET_EIP191_SCHEME } from "./wallet-stamp.ts";

const WHOAMI = "/public/v1/query/whoami";
const UNAUTHENTICATED = 16;

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

function userWithWallet() {
  const { organizationId, userId } = standin.mint({ publicKey: newKeyPair().publicKey });
  const wallet = ethereumWallet();
  standin.registerCredential({ type: "wallet", userId, publicKey: wallet.publicKey });
  return { organizationId, userId, wallet, client: new TurnkeyClient({ baseUrl: standin.url }, new WalletStamper(wallet.wallet)) };
}

/** An X-Stamp of the wallet scheme made by hand: the EIP-191 signature of `body` as `toDerSignature` encodes it. */
function walletStamp(secretKey: Uint8Array, body: string, change: (r: bigint, s: bigint) => [bigint, bigint] = (r, s) => [r, s]) {
  const signature = secp256k1.Signature.fromBytes(secp256k1.sign(eip191Digest(new TextEncoder().encode(body)), secretKey, { prehash: false }));
  const [r, s] = change(signature.r, signature.s);
  const compact = bytesToHex(new secp256k1.Signature(r, s).toBytes("compact"));
  const stamp = { publicKey: bytesToHex(secp256k1.getPublicKey(secretKey, true)), scheme: WALLET_EIP191_SCHEME, signature: toDerSignature(compact) };
  return Buffer.from(JSON.stringify(stamp)).toString("base64url");
}

describe("wallet stamps from Turnkey's WalletStamper", () => {
  it("authenticate whoami and stamp_login, and the request log names the wallet key", async () => {
    const { organizationId, userId, wallet, client } = userWithWallet();

    await expect(client.getWhoami({ organizationId })).resolves.toMatchObject({ organizationId, userId });
    const newKey = newKeyPair();
    const { activity } = await client.stampLogin(stampLoginBody(organizationId, { publicKey: newKey.publicKey }));

    expect(jwtClaims(activity.result.stampLoginResult?.session ?? "")).toMatchObject({ public_key: newKey.publicKey, user_id: userId });
    const whoami = standin.requests({ path: WHOAMI }).at(-1)!;
    expect(JSON.parse(Buffer.from(whoami.headers["x-stamp"]!, "base64url").toString())).toMatchObject({ publicKey: wallet.publicKey, scheme: WALLET_EIP191_SCHEME });
    expect(whoami.verifiedStamp).toEqual({ stamper: "wallet", publicKey: wallet.publicKey, userId });
  });

  it("refuses a body changed after stamping", async () => {
    const { organizationId, client } = userWithWallet();
    const signed = await client.stampGetWhoami({ organizationId });
    const tampered = signed.body.replace("{", '{"extra":1,');
    expect(await post(standin, WHOAMI, tampered, signed.stamp.stampHeaderValue)).toMatchObject({ status: 401, json: { message: "could not verify api key signature" } });
    expect(await post(standin, WHOAMI, signed.body, signed.stamp.stampHeaderValue)).toMatchObject({ status: 200 });
  });

  it("refuses a wallet key no user registered, and one of a user in another organization", async () => {
    const { organizationId } = userWithWallet();
    const stranger = ethereumWallet();
    await expectTurnkeyError(
      new TurnkeyClient({ baseUrl: standin.url }, new WalletStamper(stranger.wallet)).getWhoami({ organizationId }),
      UNAUTHENTICATED,
      `could not find public key in organization or its parent organization organizationId=${organizationId} publicKey=${stranger.publicKey}`,
    );
    const elsewhere = userWithWallet();
    await expectTurnkeyError(elsewhere.client.getWhoami({ organizationId }), UNAUTHENTICATED, "could not find public key in organization");
  });

  it("accepts toDerSignature's non-minimal integers and high-S; refuses garbled signatures and keys", async () => {
    const { organizationId, userId, wallet } = userWithWallet();
    const { n } = secp256k1.Point.CURVE();
    // Find a body whose signature's r has a leading zero byte: toDerSignature keeps it.
    let body = "";
    let header = "";
    for (let i = 0; i < 5_000 && !header; i++) {
      body = JSON.stringify({ organizationId, nonce: i });
      const candidate = walletStamp(wallet.secretKey, body);
      const der = JSON.parse(Buffer.from(candidate, "base64url").toString()).signature as string;
      if (der.slice(8, 10) === "00" && Number.parseInt(der.slice(10, 12), 16) < 0x80) header = candidate;
    }
    expect(header, "no signature with a leading zero in r within 5000 tries").not.toBe("");
    expect(await post(standin, WHOAMI, body, header)).toMatchObject({ status: 200, json: { userId } });

    const plain = JSON.stringify({ organizationId });
    expect(await post(standin, WHOAMI, plain, walletStamp(wallet.secretKey, plain, (r, s) => [r, n - s]))).toMatchObject({ status: 200 });

    const good = JSON.parse(Buffer.from(walletStamp(wallet.secretKey, plain), "base64url").toString());
    for (const stamp of [
      { ...good, signature: "zz" },
      { ...good, signature: good.signature.slice(0, -2) },
      { ...good, signature: `${good.signature}00` },
      { ...good, publicKey: `04${good.publicKey.slice(2)}` },
      { ...good, publicKey: `02${"ff".repeat(32)}` },
    ]) {
      expect(await post(standin, WHOAMI, plain, Buffer.from(JSON.stringify(stamp)).toString("base64url"))).toMatchObject({ status: 401, json: { message: "malformed activity stamp" } });
    }
  });

  it("parses DER signatures strictly apart from leading zeros", () => {
    expect(parseDerSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]))).toEqual({ r: 1n, s: 2n });
    expect(parseDerSignature(Uint8Array.from([0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x02]))).toEqual({ r: 1n, s: 2n });
    for (const bad of [
      [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02], // not a sequence
      [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02], // wrong length
      [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02], // negative r
      [0x30, 0x06, 0x03, 0x01, 0x01, 0x02, 0x01, 0x02], // not an integer
      [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00], // trailing byte
    ]) {
      expect(parseDerSignature(Uint8Array.from(bad)), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it("registers wallet keys over HTTP, compressed or not, and checks them", async () => {
    const { userId, organizationId } = standin.mint({ publicKey: newKeyPair().publicKey });
    const wallet = ethereumWallet();
    const uncompressed = bytesToHex(secp256k1.getPublicKey(wallet.secretKey, false));
    expect(await post(standin, "/__standin/credentials", JSON.stringify({ type: "wallet", userId, publicKey: uncompressed }))).toMatchObject({ status: 200 });
    await expect(new TurnkeyClient({ baseUrl: standin.url }, new WalletStamper(wallet.wallet)).getWhoami({ organizationId })).resolves.toMatchObject({ userId });
    for (const bad of [{ type: "wallet", userId, publicKey: "04" }, { type: "wallet", userId: crypto.randomUUID(), publicKey: wallet.publicKey }, { type: "wallet", userId, publicKey: wallet.publicKey, origin: "x" }]) {
      expect(await post(standin, "/__standin/credentials", JSON.stringify(bad))).toMatchObject({ status: 400 });
    }
  });
});
