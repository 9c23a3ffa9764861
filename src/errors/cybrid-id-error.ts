/**
 * The error hierarchy. Every error the SDK throws is a `CybridIdError` with a stable string
 * `code`, so callers can branch without parsing messages, and a `cause` when one exists.
 *
 * Errors never hold a Request, a Response or headers: those carry the Authorization header,
 * and errors end up in logs, `util.inspect` and `JSON.stringify`.
 */

/** What the SDK knows about a failed call; every field is optional but `code`. */
export interface CybridIdErrorDetails {
  /** A stable, machine-readable code, e.g. `invalid_client`, `no_customer`, `timeout`. */
  code: string;
  /** The HTTP status, when the server answered. */
  status?: number | undefined;
  /** The provider's error id (`errorId` of the seed-004 dialect): quote it to support. */
  errorId?: string | undefined;
  /** The `X-Request-Id` response header, when the server sent one. */
  requestId?: string | undefined;
  /** How long the server asked to wait, in milliseconds (from `Retry-After` or `retry-after-ms`). */
  retryAfter?: number | undefined;
  /** How many HTTP attempts were made before this error (0 when it was raised before sending). */
  attempts?: number | undefined;
  /** A short excerpt of a body that could not be understood (HTML, truncated JSON). */
  bodyExcerpt?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/** The base class of every error thrown by cybrid-id. */
export class CybridIdError extends Error {
  override name = "CybridIdError";
  // `declare`: set from the details in the constructor (no field initialisers to emit).
  declare readonly code: string;
  declare readonly status: number | undefined;
  declare readonly errorId: string | undefined;
  declare readonly requestId: string | undefined;
  declare readonly retryAfter: number | undefined;
  declare attempts: number;
  declare readonly bodyExcerpt: string | undefined;

  constructor(message: string, { cause, ...details }: CybridIdErrorDetails) {
    super(message, cause === undefined ? undefined : { cause });
    Object.assign(this, { attempts: 0 }, details);
  }

  /**
   * A plain object for structured logs: the own fields (name, code, status... and a subclass's,
   * such as `issues`), the message, and the cause as one line. Never the stack.
   */
  toJSON(): Record<string, unknown> {
    const { cause } = this;
    return {
      ...(this as unknown as Record<string, unknown>),
      message: this.message,
      cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined,
    };
  }
}

/** Input that the spec rejects, caught before anything was sent. */
export class ValidationError extends CybridIdError {
  override name = "ValidationError";
  /** Each problem found, as `path: message` (never the offending value: it may be a secret). */
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[], code = "validation_failed") {
    super(`${message}: ${issues.join("; ")}`, { code });
    this.issues = issues;
  }
}

/** 400: the server rejected the request itself (e.g. OAuth `invalid_scope`). */
export class BadRequestError extends CybridIdError {
  override name = "BadRequestError";
}
/** 401: bad credentials, or a token that is expired, malformed or of the wrong kind. */
export class AuthenticationError extends CybridIdError {
  override name = "AuthenticationError";
}
/** 403 that is not a rate limit: a missing scope, or an action that is forbidden. */
export class PermissionDeniedError extends CybridIdError {
  override name = "PermissionDeniedError";
}
/** 429, or the 403 with which Cybrid's token endpoints answer past their rate limit. */
export class RateLimitError extends CybridIdError {
  override name = "RateLimitError";
}
/** 409: the action conflicts with the state on the server. */
export class ConflictError extends CybridIdError {
  override name = "ConflictError";
}
/** 422: well-formed but impossible, e.g. an unknown customer (`no_customer`). */
export class UnprocessableEntityError extends CybridIdError {
  override name = "UnprocessableEntityError";
}
/** 5xx: the server failed. */
export class ServerError extends CybridIdError {
  override name = "ServerError";
}
/** The connection failed: refused, reset, DNS, TLS. */
export class ConnectionError extends CybridIdError {
  override name = "ConnectionError";
}
/** An attempt exceeded `timeout`, or all attempts together exceeded `deadline`. */
export class TimeoutError extends CybridIdError {
  override name = "TimeoutError";
}
/** The server answered with a body the SDK cannot use (malformed JSON, HTML, missing token). */
export class InvalidResponseError extends CybridIdError {
  override name = "InvalidResponseError";
}
