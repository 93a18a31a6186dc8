/**
 * Turnkey-shaped error replies.
 *
 * Turnkey answers a failed call with a non-2xx status and the JSON rendering of a gRPC status:
 * `{ code, message, details, turnkeyErrorCode }`, where `details` carries a
 * `TurnkeyErrorDetail` when the error has a machine-readable Turnkey code. `@turnkey/http`'s
 * `TurnkeyRequestError` reads `code`, `message` and `details` from it.
 *
 * The messages are Turnkey's own where they are known (the "Errors" page of Turnkey's docs,
 * https://github.com/tkhq/docs/blob/main/api-reference/overview/errors.mdx, and the substrings `@turnkey/core`
 * matches on); the few marked "stand-in wording" are ours.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";

/** gRPC status codes (https://grpc.io/docs/guides/status-codes/). */
export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

const DETAIL_TYPE = "type.googleapis.com/errors.v1.TurnkeyErrorDetail";

/** An error the stand-in answers with, as Turnkey would. */
export class ApiError extends Error {
  readonly httpStatus: number;
  readonly code: number;
  readonly turnkeyErrorCode: string;

  constructor(httpStatus: number, code: number, message: string, turnkeyErrorCode = "") {
    super(message);
    this.name = "ApiError";
    this.httpStatus = httpStatus;
    this.code = code;
    this.turnkeyErrorCode = turnkeyErrorCode;
  }

  /** The JSON body Turnkey sends for this error. */
  body(): string {
    const details = this.turnkeyErrorCode
      ? [{ "@type": DETAIL_TYPE, turnkeyErrorCode: this.turnkeyErrorCode }]
      : [];
    return JSON.stringify({
      code: this.code,
      message: this.message,
      details,
      turnkeyErrorCode: this.turnkeyErrorCode,
    });
  }
}

const unauthenticated = (message: string, turnkeyErrorCode?: string) =>
  new ApiError(401, GrpcCode.Unauthenticated, message, turnkeyErrorCode);

const invalidArgument = (message: string) => new ApiError(400, GrpcCode.InvalidArgument, message);

/** No `X-Stamp` header. */
export function missingStamp(path: string): ApiError {
  return unauthenticated(
    path.startsWith("/public/v1/submit/")
      ? "cannot authenticate public API activity request without a stamp (X-Stamp/X-Stamp-Webauthn header)"
      : "no valid authentication signature found for request",
  );
}

/** An `X-Stamp` header that is not base64url JSON. */
export function unreadableStamp(): ApiError {
  return unauthenticated("could not extract api key stamp");
}

/** An `X-Stamp` whose JSON lacks a field, has the wrong scheme or an undecodable key/signature. */
export function malformedStamp(): ApiError {
  return unauthenticated("malformed activity stamp");
}

/** A stamp whose signature does not match the body bytes. */
export function badSignature(): ApiError {
  return unauthenticated("could not verify api key signature");
}

/** An `X-Stamp-Webauthn` header that is not JSON of four base64url strings (stand-in wording). */
export function malformedWebauthnStamp(): ApiError {
  return unauthenticated("malformed webauthn stamp");
}

/** A WebAuthn assertion that does not verify; `reason` says which check failed (stand-in wording). */
export function badWebauthnAssertion(reason: string): ApiError {
  return unauthenticated(`could not verify webauthn stamp: ${reason}`);
}

/** A WebAuthn credential the organization's users do not have (stand-in wording). */
export function credentialNotFound(organizationId: string, credentialId: string): ApiError {
  return unauthenticated(
    `could not find authenticator in organization or its parent organization organizationId=${organizationId} credentialId=${credentialId}`,
    "AUTHENTICATOR_NOT_FOUND",
  );
}

/** A request carrying more than one stamp header, e.g. `X-Stamp` and `X-Stamp-Webauthn` (stand-in wording). */
export function ambiguousStamp(headers: string[] = ["X-Stamp", "X-Stamp-Webauthn"]): ApiError {
  return unauthenticated(`more than one stamp header (${headers.join(" and ")})`);
}

/** An `X-Stamp-Attested` on a request other than a login (stand-in wording). */
export function attestedStampNotAccepted(): ApiError {
  return unauthenticated("attested stamps authenticate login requests only");
}

/** An attested stamp whose key is not the one its verification token is bound to (stand-in wording). */
export function attestedKeyMismatch(): ApiError {
  return unauthenticated("attested public key does not match the verification token's public key");
}

/** The stamping key is not a (remaining) API key of the organization. */
export function publicKeyNotFound(organizationId: string, publicKey: string): ApiError {
  return unauthenticated(
    `could not find public key in organization or its parent organization organizationId=${organizationId} publicKey=${publicKey}`,
    "PUBLIC_KEY_NOT_FOUND",
  );
}

/** The stamping key has expired. */
export function expiredApiKey(publicKey: string): ApiError {
  return unauthenticated(
    `expired api key: rpc error: code = Unauthenticated desc = expired api key publicKey=${publicKey}`,
    "API_KEY_EXPIRED",
  );
}

/** A body that is not JSON or misses or mistypes a field (the suffix is stand-in wording). */
export function badRequestBody(reason?: string): ApiError {
  return invalidArgument(reason ? `bad request body: ${reason}` : "bad request body");
}

/** An `organizationId` that is not a UUID. */
export function malformedOrganizationId(): ApiError {
  return invalidArgument("malformed organization ID provided");
}

/** An `organizationId` the stand-in does not know. */
export function organizationNotFound(): ApiError {
  return new ApiError(404, GrpcCode.NotFound, "no organization found with the given ID");
}

/** `expirationSeconds` is not a positive whole number within the cap. */
export function invalidApiKeyExpiration(): ApiError {
  return invalidArgument("invalid api key expiration");
}

/** `get_activity` for an id this organization does not have (stand-in wording). */
export function activityNotFound(): ApiError {
  return new ApiError(404, GrpcCode.NotFound, "no activity found with the given ID");
}

/** A body over the size limit (stand-in wording). */
export function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(
    413,
    GrpcCode.ResourceExhausted,
    `request body larger than ${limitBytes} bytes`,
  );
}

/** A path the API does not serve (grpc-gateway's reply). */
export function routeNotFound(): ApiError {
  return new ApiError(404, GrpcCode.NotFound, "Not Found");
}

/** A method other than POST on an API path (grpc-gateway's reply). */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, GrpcCode.Unimplemented, "Method Not Allowed");
}

/** An unexpected failure inside the stand-in, with an error id as Turnkey gives one. */
export function internalError(): ApiError {
  return new ApiError(500, GrpcCode.Internal, `internal server error (${randomUUID()})`);
}

const GRPC_CODE_FOR_HTTP: Record<number, number> = {
  400: GrpcCode.InvalidArgument,
  401: GrpcCode.Unauthenticated,
  403: GrpcCode.PermissionDenied,
  404: GrpcCode.NotFound,
  409: GrpcCode.AlreadyExists,
  429: GrpcCode.ResourceExhausted,
  500: GrpcCode.Internal,
  501: GrpcCode.Unimplemented,
  503: GrpcCode.Unavailable,
  504: GrpcCode.DeadlineExceeded,
};

const MESSAGE_FOR_HTTP: Record<number, string> = {
  429: "this organization cannot execute activities because it has been rate limited. Please reach out to the Turnkey team (help@turnkey.com) for more information.",
};

/** The error Turnkey would plausibly send with this HTTP status (for injected faults). */
export function errorForHttpStatus(status: number): ApiError {
  if (status === 500) return internalError();
  const code = GRPC_CODE_FOR_HTTP[status] ?? GrpcCode.Unknown;
  const message = MESSAGE_FOR_HTTP[status] ?? STATUS_CODES[status] ?? `HTTP ${status}`;
  return new ApiError(status, code, message);
}
