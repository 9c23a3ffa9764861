/**
 * How long a server asked us to wait. `retry-after-ms` (milliseconds, Stainless convention) wins
 * over `Retry-After`, which is whole seconds or an HTTP date (RFC 9110 10.2.3). A value that is
 * neither (negative, `1e3`, hex, "soon 2030"...) is ignored, as if absent: the retry policy's
 * backoff applies. HTTP dates are parsed strictly (`Date.parse` takes almost any text as a date).
 * Waits are rounded up to whole ms and capped at the timer range (about 24.8 days); a wait past
 * the call's deadline fails the call at once anyway (see the attempt loop).
 */
import { parseHttpDate } from "./http-date.js";
import { MAX_TIMER_MS } from "../timers.js";

/** Digits with an optional fraction: no sign, exponent, hex or unit. */
const DECIMAL = /^\d+(\.\d+)?$/;

export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms")?.trim();
  if (ms && DECIMAL.test(ms)) return clampWait(Number(ms));
  const header = headers.get("retry-after")?.trim();
  if (!header) return undefined;
  if (DECIMAL.test(header)) return clampWait(Number(header) * 1000);
  const date = parseHttpDate(header, now);
  return date === undefined ? undefined : clampWait(date - now);
}

function clampWait(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(ms)));
}
