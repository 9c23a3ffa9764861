/**
 * When a cached token should be refreshed and until when it may be used, all relative to its
 * lifetime so that a 20-second test token, a 30-minute and an 8-hour token all behave:
 * - skew: min(30 s, 10% of the lifetime) is taken off the end, for clock drift and latency;
 * - refresh: the window opens at a random point in [75%, 85%) of the lifetime, so a fleet that
 *   started together does not refresh in the same second.
 */
import { backoffDelay, halfJitter } from "../retry/backoff.js";

export interface TokenTimes {
  /** When the server considers the token expired (ms since epoch). */
  expiresAt: number;
  /** The last moment we send it (expiresAt minus the skew). */
  usableUntil: number;
  /** From here on, callers still get this token while one background refresh runs. */
  refreshAt: number;
}

const MAX_SKEW_MS = 30_000;
const WINDOW_OPENS_AT = 0.75;
const WINDOW_JITTER = 0.1;
/** The lifetime assumed when the server gave none we can use (and the token is not a JWT). */
export const FALLBACK_LIFETIME_MS = 60_000;

export function planTokenTimes(
  sentAt: number,
  lifetimeMs: number,
  random = Math.random,
): TokenTimes {
  const skew = Math.min(MAX_SKEW_MS, lifetimeMs * 0.1);
  return {
    expiresAt: sentAt + lifetimeMs,
    usableUntil: sentAt + lifetimeMs - skew,
    refreshAt: sentAt + lifetimeMs * (WINDOW_OPENS_AT + WINDOW_JITTER * random()),
  };
}

/**
 * The shortest lifetime a token is given. `expires_in` counts whole seconds (an integer, at
 * least 1, in the spec and RFC 6749): a positive fraction below one second is read as one
 * second, so a server answering `expires_in: 0.0001` costs a token request a second rather than
 * a request per call.
 */
export const MIN_LIFETIME_MS = 1_000;
/**
 * The longest lifetime a token is given: a year. A bogus `expires_in` (1e13) or `exp` (1e15)
 * must still give a valid `expiresAt` Date, and at worst a refresh a year.
 */
export const MAX_LIFETIME_MS = 365 * 24 * 3_600_000;

/**
 * `expires_in` (seconds) as a lifetime in ms, within [MIN_LIFETIME_MS, MAX_LIFETIME_MS].
 * Missing, zero, negative or non-numeric: the JWT lifetime when the token is a JWT, else
 * FALLBACK_LIFETIME_MS (short, so a bad value costs one token request a minute rather than a
 * request per call or a token used past its expiry).
 */
export function lifetimeFromExpiresIn(expiresIn: unknown, jwtLifetime: number | undefined): number {
  const seconds = expiresInSeconds(expiresIn);
  const lifetime =
    seconds === undefined
      ? (jwtLifetime ?? FALLBACK_LIFETIME_MS)
      : Math.max(MIN_LIFETIME_MS, seconds * 1000);
  return Math.min(MAX_LIFETIME_MS, lifetime);
}

/** `expires_in` when it is a positive number (or numeric string), else undefined. */
function expiresInSeconds(expiresIn: unknown): number | undefined {
  const seconds = typeof expiresIn === "string" ? Number(expiresIn) : expiresIn;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0
    ? seconds
    : undefined;
}

/**
 * The backoff of a failing background refresh: the first retry within 1 s, the ceiling doubling
 * with each failure in a row up to one try a minute.
 */
const REFRESH_BACKOFF = { base: 1_000, max: 60_000 };

/**
 * How long a background refresh waits after its n-th failure in a row (n >= 1): between half
 * and all of 1 s, 2 s, 4 s ... 60 s (backoff.ts, half jitter: a retry at once would only fail
 * again and grow the wait faster).
 */
export function refreshRetryDelay(failures: number, random = Math.random): number {
  return backoffDelay(failures - 1, REFRESH_BACKOFF, halfJitter(random));
}

/**
 * What a caller gets at `now`: `fresh` (the cached token, no I/O), `serve-and-refresh` (the
 * cached token while one background refresh starts), `serve` (the cached token; a refresh is
 * already running or waiting out its backoff) or `wait` (no usable token: wait for a fetch).
 */
export type CacheDecision = "fresh" | "serve-and-refresh" | "serve" | "wait";

export function decide(
  times: TokenTimes | undefined,
  now: number,
  refreshing: boolean,
  nextTryAt: number,
): CacheDecision {
  if (times === undefined || now >= times.usableUntil) return "wait";
  if (now < times.refreshAt) return "fresh";
  return refreshing || now < nextTryAt ? "serve" : "serve-and-refresh";
}

/** How far a server's clock (issue time, `Date` header) may sit from our send time and still be trusted. */
const MAX_ANCHOR_SHIFT_MS = 5_000;

/**
 * The moment a token's lifetime counts from. Servers count whole seconds: they floor their
 * issue time (`created_at`, JWT `iat`, oidc-provider's `exp = floor(now) + ttl`) and count expiry
 * from there, up to a second before our send time. So the anchor is the earliest of:
 * - the start of the second our request was sent in (the latest second the server can have
 *   floored its issue time to, clocks agreeing; a `Date` header later than the send time only
 *   says the answer crossed a second boundary);
 * - the server's issue time (`issuedAtSeconds`) and its `Date` header (`serverDate`, ms), when
 *   up to 5 s earlier: a server clock that is further off is ignored, so a skewed server can
 *   make us refresh early by at most 5 s, never cause a refresh storm.
 */
export function lifetimeAnchor(
  sentAt: number,
  issuedAtSeconds: unknown,
  serverDate?: number,
): number {
  let anchor = Math.floor(sentAt / 1000) * 1000;
  const issuedAt = typeof issuedAtSeconds === "number" ? issuedAtSeconds * 1000 : undefined;
  for (const serverTime of [issuedAt, serverDate]) {
    if (
      serverTime !== undefined &&
      serverTime < anchor &&
      sentAt - serverTime <= MAX_ANCHOR_SHIFT_MS
    )
      anchor = serverTime;
  }
  return anchor;
}

/** What a token response says about the token's lifetime; every field is unchecked. */
export interface LifetimeEvidence {
  /** When we sent the request (ms since epoch, our clock). */
  sentAt: number;
  /** The response's `Date` header (ms), when valid. */
  serverDate?: number | undefined;
  /** `expires_in` (seconds). */
  expiresIn?: unknown;
  /** `created_at`, else the JWT `iat` (Unix seconds). */
  issuedAt?: unknown;
  /** The JWT `exp` (Unix seconds). */
  exp?: unknown;
  /** The JWT's own lifetime (`exp - iat`), the fallback for a missing `expires_in`. */
  jwtLifetime?: number | undefined;
}

/**
 * A token's anchor and lifetime (ms): `expires_in` (or the JWT's lifetime, or the fallback)
 * counted from {@link lifetimeAnchor}, never past the token's own `exp`: a token says itself
 * until when it is valid, whatever the response around it says. A sub-second `expires_in`
 * (read as MIN_LIFETIME_MS) counts from the send time: such a server does not count whole
 * seconds, and flooring its anchor could leave the token no usable time at all. The lifetime is
 * at most MAX_LIFETIME_MS; it is zero or less when `exp` has already passed.
 */
export function tokenLifetime(evidence: LifetimeEvidence): { anchor: number; lifetimeMs: number } {
  const { sentAt, expiresIn, exp } = evidence;
  const declared = lifetimeFromExpiresIn(expiresIn, evidence.jwtLifetime);
  const subSecond = (expiresInSeconds(expiresIn) ?? 1) < 1;
  const anchor = subSecond
    ? sentAt
    : lifetimeAnchor(sentAt, evidence.issuedAt, evidence.serverDate);
  const byExp = typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 - anchor : Infinity;
  return { anchor, lifetimeMs: Math.min(declared, byExp) };
}
