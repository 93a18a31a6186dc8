/**
 * A test Ethereum wallet for the page: an EIP-1193 provider at `window.ethereum` holding one
 * secp256k1 key, as an injected wallet (MetaMask and the like) offers it to dApps. It answers
 * `eth_requestAccounts` / `eth_accounts` with its address and `personal_sign` with the EIP-191
 * signature (r ‖ s ‖ v, v = 27 + recovery) of the message: UTF-8 bytes, or the bytes of a
 * `0x`-hex message. With `reject` set it refuses as a user would, with EIP-1193 error 4001.
 * Every message it signs is kept in `signed`, so tests can see what the wallet was shown.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

export interface TestWallet {
  /** `0x` + 20 bytes, lowercase. */
  address: string;
  /** Compressed secp256k1 public key, hex: what Turnkey registers for a wallet. */
  publicKey: string;
  /** Refuse every request with 4001, as a user clicking "Reject" would. */
  reject: boolean;
  /** The messages `personal_sign` was asked to sign, in order. */
  signed: string[];
}

interface RequestArguments {
  method: string;
  params?: unknown[];
}

/** EIP-1193's `ProviderRpcError`. */
class ProviderRpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

function messageBytes(message: string): Uint8Array {
  return /^0x(?:[0-9a-fA-F]{2})*$/.test(message) ? hexToBytes(message.slice(2)) : new TextEncoder().encode(message);
}

function personalSign(secretKey: Uint8Array, message: string): string {
  const bytes = messageBytes(message);
  const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${bytes.length}`);
  const digest = keccak_256(new Uint8Array([...prefix, ...bytes]));
  const signature = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secretKey, { prehash: false, format: "recovered" }), "recovered");
  return `0x${signature.toHex("compact")}${(27 + signature.recovery!).toString(16)}`;
}

/** Puts a wallet holding `secretKeyHex` (default: a new key) at `window.ethereum`. */
export function installTestWallet(secretKeyHex?: string): TestWallet {
  const secretKey = secretKeyHex ? hexToBytes(secretKeyHex) : secp256k1.utils.randomSecretKey();
  const uncompressed = secp256k1.getPublicKey(secretKey, false);
  const address = `0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`;
  const wallet: TestWallet = { address, publicKey: bytesToHex(secp256k1.getPublicKey(secretKey, true)), reject: false, signed: [] };

  const request = async ({ method, params = [] }: RequestArguments): Promise<unknown> => {
    if (wallet.reject) throw new ProviderRpcError(4001, "User rejected the request.");
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [address];
      case "personal_sign": {
        const [message, account] = params;
        if (typeof message !== "string" || typeof account !== "string" || account.toLowerCase() !== address) {
          throw new ProviderRpcError(4100, "The requested account has not been authorized by the user.");
        }
        wallet.signed.push(message);
        return personalSign(secretKey, message);
      }
      default:
        throw new ProviderRpcError(4200, `The provider does not support ${method}.`);
    }
  };
  (window as { ethereum?: unknown }).ethereum = { request, isTestWallet: true };
  return wallet;
}
