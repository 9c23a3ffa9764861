/**
 * How long a server asked us to wait. `retry-after-ms` (milliseconds, Stainless convention) wins
 * over `Retry-After`, which is whole seconds or an HTTP date (RFC 9110 10.2.3). A value that is
 * neither (negative, `1e3`, hex, "soon 2030"...) is ignored, as if absent: the retry policy's
 * backoff applies. HTTP dates are parsed strictly (`Date.parse` takes almost any text as a date).
 * Waits are rounded up to whole ms and capped at the timer range (about 24.8 days); a wait past
 * the call's deadline fails the call at once anyway (see the IdP pipeline).
 */
import { parseHttpDate } from "./http-date.js";
import { MAX_TIMER_MS } from "./timers.js";

/** Digits with an optional fraction: no sign, exponent, hex or unit. */
const DECIMAL = /^\d+(\.\d+)?$/;

export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms")?.trim() ?? "";
  const header = headers.get("retry-after")?.trim() ?? "";
  const wait = DECIMAL.test(ms)
    ? Number(ms)
    : DECIMAL.test(header)
      ? Number(header) * 1000
      : (parseHttpDate(header, now) ?? NaN) - now;
  return Number.isNaN(wait) ? undefined : Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(wait)));
}
