/**
 * What a test puts into the stand-in before a login: a dApp's parent organization, an end user's
 * sub-organization with its root user (as `proxySignupV2` would have made it, with the email or
 * phone number an OTP login finds it by), and embedded wallets for `fetchWallets`. Options may
 * come from JSON (`/__standin/…`), so they are checked.
 */
import type { Directory } from "./directory.ts";
import { ApiError, GrpcCode } from "./errors.ts";
import type { WalletStore } from "./wallets.ts";

export interface OrganizationOptions {
  name?: string;
}

export interface SubOrganizationOptions {
  parentOrganizationId: string;
  name?: string;
  userName?: string;
  userEmail?: string;
  /** E.164, e.g. "+15555550100". */
  userPhoneNumber?: string;
}

export interface WalletOptions {
  organizationId: string;
  walletName?: string;
  /** Ethereum accounts to derive; default 1, at most 1,000. */
  accounts?: number;
}

const invalid = (what: string, reason: string) => new ApiError(400, GrpcCode.InvalidArgument, `invalid ${what} options: ${reason}`);

function checkFields(what: string, options: unknown, known: string[]): Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw invalid(what, "expected an object");
  const fields = options as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!known.includes(key)) throw invalid(what, `unknown field ${key}`);
  for (const key of known) {
    if (key !== "accounts" && fields[key] !== undefined && typeof fields[key] !== "string") throw invalid(what, `${key} must be a string`);
  }
  return fields;
}

export function seedOrganization(directory: Directory, options: OrganizationOptions = {}): { organizationId: string } {
  const { name } = checkFields("organization", options, ["name"]);
  return { organizationId: directory.createOrganization(name as string | undefined).id };
}

export function seedSubOrganization(directory: Directory, options: SubOrganizationOptions): { organizationId: string; userId: string } {
  const fields = checkFields("sub-organization", options, ["parentOrganizationId", "name", "userName", "userEmail", "userPhoneNumber"]);
  if (typeof fields.parentOrganizationId !== "string") throw invalid("sub-organization", "parentOrganizationId must be a string");
  const { organization, user } = directory.createSubOrganization(fields.parentOrganizationId, {
    ...(fields.name === undefined ? {} : { name: fields.name as string }),
    ...(fields.userName === undefined ? {} : { userName: fields.userName as string }),
    ...(fields.userEmail === undefined ? {} : { email: fields.userEmail as string }),
    ...(fields.userPhoneNumber === undefined ? {} : { phoneNumber: fields.userPhoneNumber as string }),
  });
  return { organizationId: organization.id, userId: user.id };
}

export function seedWallet(directory: Directory, wallets: WalletStore, options: WalletOptions, now: number): { walletId: string; addresses: string[] } {
  const fields = checkFields("wallet", options, ["organizationId", "walletName", "accounts"]);
  if (typeof fields.organizationId !== "string" || !directory.organization(fields.organizationId)) {
    throw invalid("wallet", "organizationId must name an organization of the stand-in");
  }
  const count = fields.accounts ?? 1;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 1000) throw invalid("wallet", "accounts must be a whole number from 1 to 1000");
  const { wallet, accounts } = wallets.create(fields.organizationId, (fields.walletName as string | undefined) ?? "Default wallet", count, now);
  return { walletId: wallet.walletId, addresses: accounts.map((a) => a.address) };
}
