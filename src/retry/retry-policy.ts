/**
 * Which failed attempts are worth another one. The rules, in order:
 * 1. `x-should-retry: true|false` from the server decides (Stainless convention).
 * 2. Connection errors and timeouts: retried.
 * 3. 408, 429, 500, 502, 503, 504: retried.
 * 4. 403 from a token endpoint: retried only when it is the rate-limit answer, never for
 *    `invalid_scope(s)` or `forbidden`. A 403 is never answered by refreshing a token.
 * 5. Every other status: not retried.
 */
import { permissionCodes, rateLimitCodes } from "../../generated/error-codes.js";

const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
// The spec's own codes (generated from its marked examples), plus the names other token
// providers give the same answers (RFC 6749's errors, common throttling codes).
/** Error codes that mark a 403 as a rate limit rather than a permission problem. */
const RATE_LIMIT_CODES = new Set([...rateLimitCodes, "rate_limit_exceeded", "throttled"]);
/** Codes that mark a 403 as a real permission problem, whatever the headers say. */
const PERMISSION_CODES = new Set([...permissionCodes, "invalid_scope", "unauthorized_client"]);

/**
 * A 403 on a token endpoint is the rate limit when its code says so, or when it names no
 * permission problem and comes with a `Retry-After`.
 */
export function isRateLimit403(code: string | undefined, retryAfter: number | undefined): boolean {
  if (code !== undefined && RATE_LIMIT_CODES.has(code)) return true;
  if (code !== undefined && PERMISSION_CODES.has(code)) return false;
  return retryAfter !== undefined;
}

export function isRetriableStatus(status: number, rateLimited: boolean): boolean {
  return RETRIED_STATUSES.has(status) || (status === 403 && rateLimited);
}

/** `x-should-retry` as a decision, or undefined when absent or not a boolean. */
export function shouldRetryHeader(headers: Headers): boolean | undefined {
  const value = headers.get("x-should-retry");
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}
