/** Turns a failed HTTP answer into the matching `CybridIdError` subclass. */
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  CybridIdError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from "./cybrid-id-error.js";
import type { ParsedErrorBody } from "./error-body.js";

export interface HttpFailure {
  /** e.g. `POST /oauth/token`, to say which call failed. */
  operation: string;
  status: number;
  parsed: ParsedErrorBody;
  requestId: string | undefined;
  retryAfter: number | undefined;
  /** A 403 that the retry policy recognised as the token endpoints' rate limit. */
  rateLimited: boolean;
  attempts: number;
}

type ErrorClass = new (
  message: string,
  details: ConstructorParameters<typeof CybridIdError>[1],
) => CybridIdError;

function classFor(status: number, rateLimited: boolean): ErrorClass {
  if (status === 429 || rateLimited) return RateLimitError;
  if (status >= 500) return ServerError;
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 409:
      return ConflictError;
    case 422:
      return UnprocessableEntityError;
    default:
      return CybridIdError;
  }
}

export function errorFromResponse(failure: HttpFailure): CybridIdError {
  const { parsed, status } = failure;
  const code = parsed.code ?? (failure.rateLimited ? "rate_limited" : `http_${status}`);
  const what =
    parsed.message ??
    (parsed.excerpt !== undefined ? `unexpected body: ${parsed.excerpt}` : "no details");
  const ids = [
    failure.requestId && `request id ${failure.requestId}`,
    parsed.errorId && `error id ${parsed.errorId}`,
  ].filter(Boolean);
  const suffix = ids.length > 0 ? ` (${ids.join(", ")})` : "";
  const Class = classFor(status, failure.rateLimited);
  return new Class(`${failure.operation} failed with ${status} ${code}: ${what}${suffix}`, {
    code,
    status,
    errorId: parsed.errorId,
    requestId: failure.requestId,
    retryAfter: failure.retryAfter,
    attempts: failure.attempts,
    bodyExcerpt: parsed.excerpt,
  });
}
