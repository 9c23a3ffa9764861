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
import { ERROR_CODES } from "./error-codes.js";

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

const CLASS_BY_STATUS: Partial<Record<number, ErrorClass>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

export function errorFromResponse(failure: HttpFailure): CybridIdError {
  const { parsed, status, rateLimited, requestId } = failure;
  const code = parsed.code ?? (rateLimited ? ERROR_CODES.RATE_LIMITED : `http_${status}`);
  const what =
    parsed.message ?? (parsed.excerpt ? `unexpected body: ${parsed.excerpt}` : "no details");
  const ids = [
    requestId && `request id ${requestId}`,
    parsed.errorId && `error id ${parsed.errorId}`,
  ]
    .filter(Boolean)
    .join(", ");
  const Class = rateLimited
    ? RateLimitError
    : (CLASS_BY_STATUS[status] ?? (status >= 500 ? ServerError : CybridIdError));
  return new Class(
    `${failure.operation} failed with ${status} ${code}: ${what}${ids && ` (${ids})`}`,
    {
      code,
      status,
      errorId: parsed.errorId,
      requestId,
      retryAfter: failure.retryAfter,
      attempts: failure.attempts,
      bodyExcerpt: parsed.excerpt,
    },
  );
}
