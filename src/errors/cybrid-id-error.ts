/**
 * The error hierarchy. Every error the SDK throws is a `CybridIdError` with a stable string
 * `code`, so callers can branch without parsing messages, and a `cause` when one exists.
 *
 * Errors never hold a Request, a Response or headers: those carry the Authorization header,
 * and errors end up in logs, `util.inspect` and `JSON.stringify`.
 *
 * Identity is by a brand, not by class object: a process can hold several copies of these
 * classes (the ESM and the CJS build, each subpath entry's bundle, two installed versions), and
 * `instanceof` must hold across all of them. See brand.ts and `Symbol.hasInstance` below.
 *
 * Everything this file exports is public: src/index.ts re-exports it whole.
 */
import { BRAND, brand } from "./brand.js";
import { ERROR_CODES, type CybridIdErrorCode } from "./error-codes.js";

/** What the SDK knows about a failed call; every field is optional but `code`. */
export interface CybridIdErrorDetails {
  /**
   * A stable, machine-readable code: the server's own when it sent one (`invalid_client`,
   * `no_customer`...), else one of the SDK's {@link ERROR_CODES} (`timeout`, `http_502`...).
   */
  code: CybridIdErrorCode | (string & {});
  /** The HTTP status, when the server answered. */
  status?: number | undefined;
  /** The provider's error id (`errorId` of the `{ errorId, code, text }` dialect): quote it. */
  errorId?: string | undefined;
  /** The `X-Request-Id` response header, when the server sent one. */
  requestId?: string | undefined;
  /**
   * How long the server asked to wait, in milliseconds (from `Retry-After` or `retry-after-ms`);
   * for `rate_limited_locally`, the wait pacing expected before a send slot.
   */
  retryAfter?: number | undefined;
  /** How many HTTP attempts were made before this error (0 when it was raised before sending). */
  attempts?: number | undefined;
  /** A short excerpt of a body that could not be understood (HTML, truncated JSON). */
  bodyExcerpt?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The base class of every error thrown by cybrid-id, and itself the error of a status no subclass
 * covers (404, 408...: code `http_404` or the server's). `instanceof` it, or any subclass, holds
 * for an error made by any copy of the package (ESM or CJS build, any entry); so does
 * {@link isCybridIdError}.
 */
export class CybridIdError extends Error {
  /**
   * `instanceof` by the brand: true when a prototype up `value`'s chain holds this class's kind,
   * whichever copy of the package made it (and never for a class's own prototype, as without a
   * brand). A caller's own subclass, which has no brand of its own, answers the ordinary way.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const prototype = this.prototype as unknown as Record<symbol, unknown>;
    const kind = Object.hasOwn(prototype, BRAND) && prototype[BRAND];
    try {
      if (!kind) return super[Symbol.hasInstance](value);
      for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto))
        if (proto[BRAND] === kind) return true;
    } catch {
      // a Proxy whose traps throw, a revoked Proxy: not an error of ours
    }
    return false;
  }

  // `declare`: set from the details in the constructor (no field initialisers to emit).
  declare readonly code: CybridIdErrorCode | (string & {});
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
      name: this.name,
      ...(this as unknown as Record<string, unknown>),
      message: this.message,
      cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined,
    };
  }
}

/** Input the spec rejects, a bad option, an origin not allowed: caught before anything is sent. */
export class ValidationError extends CybridIdError {
  /** Each problem found, as `path: message` (never the offending value: it may be a secret). */
  declare readonly issues: readonly string[];
  /** `code`: `validation_error` for an argument, `invalid_configuration` for an option... */
  constructor(
    message: string,
    issues: readonly string[],
    code: CybridIdErrorCode = ERROR_CODES.VALIDATION_ERROR,
  ) {
    super(`${message}: ${issues.join("; ")}`, { code });
    this.issues = issues;
  }
}

/** 400: the server rejected the request itself (e.g. OAuth `invalid_scope`). */
export class BadRequestError extends CybridIdError {}
/** 401: bad credentials, or a token that is expired, malformed or of the wrong kind. */
export class AuthenticationError extends CybridIdError {}
/** 403 that is not a rate limit: a missing scope, or an action that is forbidden. */
export class PermissionDeniedError extends CybridIdError {}
/**
 * 429, or the 403 with which Cybrid's token endpoints answer past their rate limit; or
 * `rate_limited_locally`: pacing found no send slot before the deadline (nothing sent).
 */
export class RateLimitError extends CybridIdError {}
/** 409: the action conflicts with the state on the server. */
export class ConflictError extends CybridIdError {}
/** 422: well-formed but impossible, e.g. an unknown customer (`no_customer`). */
export class UnprocessableEntityError extends CybridIdError {}
/** 5xx: the server failed. */
export class ServerError extends CybridIdError {}
/** The connection failed: refused, reset, DNS, TLS. */
export class ConnectionError extends CybridIdError {}
/** An attempt exceeded `timeout`, or all attempts together exceeded `deadline`. */
export class TimeoutError extends CybridIdError {}
/**
 * The server answered with a body the SDK cannot use (malformed JSON, HTML, missing token, over
 * 64 KiB), or with a redirect, which is not followed.
 */
export class InvalidResponseError extends CybridIdError {}

// Each class's name and kind, set on its prototype (see `brand`). Keyed by name: a minifier
// renames classes, never property keys.
for (const [name, Class] of Object.entries({
  CybridIdError,
  ValidationError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
  ConflictError,
  UnprocessableEntityError,
  ServerError,
  ConnectionError,
  TimeoutError,
  InvalidResponseError,
}))
  brand(Class, name);

/**
 * Whether `value` is an error of cybrid-id (made by any copy of the package: ESM or CJS build,
 * any entry), and, when `code` is given, one with that code:
 * `isCybridIdError(error, ERROR_CODES.TIMEOUT)`.
 */
export function isCybridIdError(
  value: unknown,
  code?: CybridIdErrorCode | (string & {}),
): value is CybridIdError {
  return value instanceof CybridIdError && (code === undefined || value.code === code);
}
