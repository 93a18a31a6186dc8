/**
 * The stand-in's organizations, users and their API keys, with Turnkey's key limit.
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
  /** Oldest first. */
  apiKeys: ApiKey[];
}

export interface Organization {
  id: string;
  name: string;
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
      apiKeys: [],
    };
    this.users.set(id, user);
    return user;
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
