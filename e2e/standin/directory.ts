/**
 * The stand-in's organizations, users and their API keys, with Turnkey's key limit.
 *
 * An organization may be a sub-organization of a parent (a dApp's organization): Turnkey's
 * end-user logins create one per user (`proxySignupV2`), and logins stamped for the parent are
 * resolved to the user's sub-organization. Users carry the contact details OTP logins look up.
 *
 * Turnkey keeps at most 10 expiring API keys per user; creating one more deletes an expired key
 * first, else the oldest unexpired one (docs.turnkey.com, "Resource limits"). Keys invalidated by
 * `invalidateExisting` are gone for Turnkey; here they stay listed, flagged, so tests can see
 * them, but they count toward no limit and authenticate nothing.
 */
import { randomUUID } from "node:crypto";
import { ApiError, GrpcCode } from "./errors.ts";

const MAX_EXPIRING_API_KEYS_PER_USER = 10;

export interface ApiKey {
  publicKey: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; absent for a long-lived key. */
  expiresAt?: number;
  invalidated: boolean;
}

export interface User {
  id: string;
  username: string;
  organizationId: string;
  email?: string;
  phoneNumber?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Oldest first. */
  apiKeys: ApiKey[];
}

export interface Organization {
  id: string;
  name: string;
  /** Set for a sub-organization. */
  parentOrganizationId?: string;
}

/** The contact a user is found by: `OTP_TYPE_EMAIL` matches the email, `OTP_TYPE_SMS` the phone number. */
export interface Contact {
  otpType: "OTP_TYPE_EMAIL" | "OTP_TYPE_SMS";
  contact: string;
}

/** What looking a stamping key up in an organization finds. */
export type KeyLookup =
  | { found: "live"; user: User; key: ApiKey }
  | { found: "expired"; user: User; key: ApiKey }
  | { found: "none" };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isExpired(key: ApiKey, now: number): boolean {
  return key.expiresAt !== undefined && key.expiresAt <= now;
}

export class Directory {
  private readonly organizations = new Map<string, Organization>();
  private readonly users = new Map<string, User>();

  organization(id: string): Organization | undefined {
    return this.organizations.get(id);
  }

  user(id: string): User | undefined {
    return this.users.get(id);
  }

  /**
   * The user with these ids, creating the organization and user when unknown; a missing id
   * means a new one (for the user) or the user's own organization.
   * @throws ApiError (400) for a non-UUID id or a user that belongs to another organization.
   */
  ensureUser(organizationId: string | undefined, userId: string | undefined): User {
    for (const id of [organizationId, userId]) {
      if (id !== undefined && !UUID.test(id)) {
        throw new ApiError(400, GrpcCode.InvalidArgument, `not a UUID: ${JSON.stringify(id)}`);
      }
    }
    const existing = userId === undefined ? undefined : this.users.get(userId);
    if (existing) {
      if (organizationId !== undefined && organizationId !== existing.organizationId) {
        throw new ApiError(
          400,
          GrpcCode.InvalidArgument,
          `user ${existing.id} belongs to organization ${existing.organizationId}`,
        );
      }
      return existing;
    }
    const organization = this.ensureOrganization(organizationId ?? randomUUID());
    const id = userId ?? randomUUID();
    const user: User = {
      id,
      username: `user-${id.slice(0, 8)}`,
      organizationId: organization.id,
      createdAt: Date.now(),
      apiKeys: [],
    };
    this.users.set(id, user);
    return user;
  }

  /** A new top-level organization (a dApp's parent organization) with no users yet. */
  createOrganization(name?: string): Organization {
    const organization = this.ensureOrganization(randomUUID());
    if (name !== undefined) organization.name = name;
    return organization;
  }

  /**
   * A new sub-organization of `parent` with its root user.
   * @throws ApiError (400) when the parent is unknown or itself a sub-organization.
   */
  createSubOrganization(
    parent: string,
    fields: { name?: string; userName?: string; email?: string; phoneNumber?: string },
  ): { organization: Organization; user: User } {
    const parentOrganization = this.organizations.get(parent);
    if (!parentOrganization || parentOrganization.parentOrganizationId !== undefined) {
      throw new ApiError(400, GrpcCode.InvalidArgument, `not a parent organization: ${JSON.stringify(parent)}`);
    }
    const organization = this.ensureOrganization(randomUUID());
    organization.parentOrganizationId = parent;
    if (fields.name !== undefined) organization.name = fields.name;
    const user = this.ensureUser(organization.id, undefined);
    if (fields.userName !== undefined) user.username = fields.userName;
    if (fields.email !== undefined) user.email = fields.email;
    if (fields.phoneNumber !== undefined) user.phoneNumber = fields.phoneNumber;
    return { organization, user };
  }

  /** Whether `organizationId` is `parent` itself or one of its sub-organizations. */
  isWithin(organizationId: string, parent: string): boolean {
    return organizationId === parent || this.organizations.get(organizationId)?.parentOrganizationId === parent;
  }

  /** The users of `organizationId` and of its sub-organizations whose contact matches, oldest first. */
  usersByContact(organizationId: string, { otpType, contact }: Contact): User[] {
    const matches = (user: User) => (otpType === "OTP_TYPE_EMAIL" ? user.email?.toLowerCase() === contact.toLowerCase() : user.phoneNumber === contact);
    return [...this.users.values()].filter((user) => this.isWithin(user.organizationId, organizationId) && matches(user));
  }

  /** Adds a key that never expires (a signup's API key without `expirationSeconds`). */
  addLongLivedKey(user: User, publicKey: string, createdAt: number): void {
    user.apiKeys = user.apiKeys.filter((k) => k.publicKey !== publicKey);
    user.apiKeys.push({ publicKey, createdAt, invalidated: false });
  }

  /** Finds the user of `organizationId` holding `publicKey` as a not-invalidated API key. */
  lookUpKey(organizationId: string, publicKey: string, now: number): KeyLookup {
    for (const user of this.users.values()) {
      if (user.organizationId !== organizationId) continue;
      const key = user.apiKeys.find((k) => k.publicKey === publicKey && !k.invalidated);
      if (key) return { found: isExpired(key, now) ? "expired" : "live", user, key };
    }
    return { found: "none" };
  }

  /** The user holding `publicKey` as a not-invalidated API key, in any organization. */
  userWithApiKey(publicKey: string): User | undefined {
    return [...this.users.values()].find((user) => user.apiKeys.some((k) => k.publicKey === publicKey && !k.invalidated));
  }

  /** Adds an expiring key to `user`, evicting one first if the user is at the limit. */
  addExpiringKey(user: User, publicKey: string, createdAt: number, expiresAt: number): void {
    user.apiKeys = user.apiKeys.filter((k) => k.publicKey !== publicKey);
    const counted = () => user.apiKeys.filter((k) => !k.invalidated && k.expiresAt !== undefined);
    while (counted().length >= MAX_EXPIRING_API_KEYS_PER_USER) {
      const candidates = counted();
      const victim = candidates.find((k) => isExpired(k, createdAt)) ?? candidates[0];
      user.apiKeys = user.apiKeys.filter((k) => k !== victim);
    }
    user.apiKeys.push({ publicKey, createdAt, expiresAt, invalidated: false });
  }

  /** Invalidates every expiring (login) key of `user`. */
  invalidateLoginKeys(user: User): void {
    for (const key of user.apiKeys) {
      if (key.expiresAt !== undefined) key.invalidated = true;
    }
  }

  clear(): void {
    this.organizations.clear();
    this.users.clear();
  }

  private ensureOrganization(id: string): Organization {
    let organization = this.organizations.get(id);
    if (!organization) {
      organization = { id, name: `Stand-in organization ${id.slice(0, 8)}` };
      this.organizations.set(id, organization);
    }
    return organization;
  }
}
