/**
 * Configuration checks shared by `createCybridId`, `redisTokenStore` and the bank-SDK bridge: a
 * bad option is a `ValidationError` with code `invalid_configuration`, thrown when the object is
 * built, before anything is sent.
 */
import { ValidationError } from "./cybrid-id-error.js";
import { ERROR_CODES } from "./error-codes.js";
import { MAX_TIMER_MS } from "../retry/timers.js";

/** `what` heads the message ("Invalid configuration: ..."). */
export function configError(what: string, ...issues: string[]): ValidationError {
  return new ValidationError(what, issues, ERROR_CODES.INVALID_CONFIGURATION);
}

/**
 * A numeric option (ms or a count): `fallback` when omitted, else an integer from `min` to
 * 2^31-1. Every ms option ends up in a timer, which takes no more (Node fires a larger delay
 * after 1 ms, `AbortSignal.timeout` throws a RangeError) and no fractions (`AbortSignal.timeout`
 * throws); no count needs more. Out of range is an error rather than clamped: a silent change
 * of a timeout is a surprise found in production.
 */
export function numberOption(
  value: unknown,
  fallback: number,
  name: string,
  min = 0,
  what = "Invalid configuration",
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > MAX_TIMER_MS) {
    throw configError(what, `${name} must be an integer from ${min} to ${MAX_TIMER_MS}`);
  }
  return value as number;
}
