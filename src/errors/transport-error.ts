/** A fetch that threw, as a typed error (used by the IdP pipeline and `cybrid.fetch`). */
import { ConnectionError, CybridIdError, TimeoutError } from "./cybrid-id-error.js";
import { ERROR_CODES } from "./error-codes.js";

/**
 * TimeoutError when `timedOut` (`deadline_exceeded` when the deadline, not the per-attempt
 * timeout, cut the attempt short); else the SDK's own error as is; else ConnectionError, the
 * system's code (ECONNREFUSED...) in the message. The thrown value is kept as `cause`.
 */
export function transportError(
  operation: string,
  thrown: unknown,
  timedOut: boolean,
  deadlineHit: boolean,
): CybridIdError {
  if (timedOut) {
    return new TimeoutError(`${operation} ${deadlineHit ? "exceeded the deadline" : "timed out"}`, {
      code: deadlineHit ? ERROR_CODES.DEADLINE_EXCEEDED : ERROR_CODES.TIMEOUT,
      cause: thrown,
    });
  }
  if (thrown instanceof CybridIdError) return thrown;
  const code = (thrown as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return new ConnectionError(
    `${operation} could not connect${typeof code === "string" ? ` (${code})` : ""}`,
    { code: ERROR_CODES.CONNECTION_FAILED, cause: thrown },
  );
}
