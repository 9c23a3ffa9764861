/**
 * When a cached token should be refreshed and until when it may be used, all relative to its
 * lifetime so that a 20-second test token, a 30-minute and an 8-hour token all behave:
 * - skew: min(30 s, 10% of the lifetime) is taken off the end, for clock drift and latency;
 * - refresh: the window opens at a random point in [75%, 85%) of the lifetime, so a fleet that
 *   started together does not refresh in the same second.
 */
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
 * `expires_in` (seconds) as a lifetime in ms. Missing, zero, negative or non-numeric: the JWT
 * `exp` when the token is a JWT, else FALLBACK_LIFETIME_MS (short, so a bad value costs one
 * token request a minute rather than a request per call or a token used past its expiry).
 */
export function lifetimeFromExpiresIn(expiresIn: unknown, jwtLifetime: number | undefined): number {
  const seconds = typeof expiresIn === "string" ? Number(expiresIn) : expiresIn;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return jwtLifetime ?? FALLBACK_LIFETIME_MS;
}

/** How long a background refresh waits after its n-th failure in a row: 1 s, 2 s, 4 s ... 60 s. */
export function refreshRetryDelay(failures: number, random = Math.random): number {
  const ceiling = Math.min(60_000, 1000 * 2 ** Math.max(0, failures - 1));
  return ceiling / 2 + (ceiling / 2) * random();
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

/** How far a server's issue time may sit from our send time and still be trusted. */
const MAX_ANCHOR_SHIFT_MS = 5_000;

/**
 * The moment a token's lifetime counts from. Servers floor their issue time to whole seconds
 * (`created_at`, JWT `iat`) and count expiry from there, up to a second before our send time:
 * we move the anchor back accordingly. A server clock that is further off is ignored, so a
 * skewed server can make us refresh early by at most 5 s, never cause a refresh storm.
 */
export function lifetimeAnchor(sentAt: number, issuedAtSeconds: unknown): number {
  if (typeof issuedAtSeconds !== "number" || !Number.isFinite(issuedAtSeconds)) return sentAt;
  const issuedAt = issuedAtSeconds * 1000;
  return issuedAt < sentAt && sentAt - issuedAt <= MAX_ANCHOR_SHIFT_MS ? issuedAt : sentAt;
}
