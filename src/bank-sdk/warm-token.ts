/**
 * One scope set kept warm for a synchronous caller, on the client's public `getToken` only: the
 * last token it returned, until when that token may be sent, and when to ask again.
 *
 * The client decides when to fetch (its refresh window, jitter, backoff, shared store); this
 * sends a token no longer than the client would (its lifetime minus min(30 s, 10%), the
 * lifetime being a JWT's `exp - iat` when the token is one), and only polls `getToken`, which costs no I/O while the cached token is fresh, and keeps what it
 * returns. From the point where the client's refresh window may open (75% of the lifetime) it
 * asks again at shorter and shorter intervals, so the new token is picked up soon after the
 * client's background refresh brings it, even in a process that makes no calls. When the
 * client drops the token (`invalidate()`, or a server's 401 to it), it is sent no more and its
 * replacement is asked for at once.
 */
import { MAX_TIMER_MS } from "../retry/timers.js";
import type { AccessToken } from "../token/token-cache.js";
import { decodeJwtClaims, jwtLifetimeMs } from "../token/jwt.js";
import { planTokenTimes, refreshRetryDelay } from "../token/token-timing.js";

/** The shortest wait between two polls of one scope set. */
const MIN_POLL_MS = 50;
/** `random` for planTokenTimes: its refresh point at the earliest the client's window opens. */
const WINDOW_START = () => 0;

export class WarmToken {
  private token: AccessToken | undefined;
  /** The last moment the token is sent: the client's own rule, lifetime minus min(30 s, 10%). */
  private usableUntil = 0;
  private pollAt = 0;
  private polling = false;
  private failures = 0;
  private disposed = false;
  /**
   * Counts the client's drops of this token: a token asked for before one, and brought after
   * it, may be the dropped token (a fetch fenced off by `invalidate()` still answers its
   * callers), so it is not kept.
   */
  private drops = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The error of the latest poll, until one succeeds. */
  lastError: unknown;
  /** Whether the token was dropped by the client, until its replacement comes. */
  dropped = false;

  constructor(
    private readonly getToken: () => Promise<AccessToken>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The warm-up: the first token (or getToken's error), then the polling timer. */
  async warm(): Promise<void> {
    this.polling = true; // a drop during the warm-up is handled here, not by a poll
    try {
      let drops: number;
      let token: AccessToken;
      do {
        drops = this.drops;
        token = await this.getToken();
      } while (drops !== this.drops);
      this.adopt(token);
    } finally {
      this.polling = false;
    }
    this.schedule();
  }

  /**
   * The client dropped `accessToken` (undefined: all of its tokens). When it is this one (or
   * may be, before the warm-up ends), it is sent no more, and the replacement is asked for now.
   */
  drop(accessToken: string | undefined): void {
    const held = this.token?.accessToken;
    if (accessToken !== undefined && held !== undefined && accessToken !== held) return;
    this.drops += 1;
    this.dropped = held !== undefined;
    this.usableUntil = 0;
    this.pollAt = 0;
    if (!this.polling && !this.disposed) this.poll();
  }

  /** Whether the current token was granted every one of `scopes` (unknown grants cover all). */
  covers(scopes: readonly string[]): boolean {
    const granted = this.token?.scopes;
    if (granted === undefined) return false;
    // A server that names no granted scopes leaves the decision to the resource server.
    return granted.length === 0 || scopes.every((scope) => granted.includes(scope));
  }

  /** The token when it may still be sent at `now`; starts a poll when one is due. */
  usableAt(now: number): AccessToken | undefined {
    if (!this.polling && !this.disposed && now >= this.pollAt) this.poll();
    return now < this.usableUntil ? this.token : undefined;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private poll(): void {
    this.polling = true;
    const drops = this.drops;
    let next: Promise<AccessToken>;
    try {
      next = this.getToken();
    } catch (error) {
      next = Promise.reject(error);
    }
    next
      .then(
        (token) => {
          this.failures = 0;
          this.lastError = undefined;
          // Dropped meanwhile: the next poll (due now) asks again.
          if (drops === this.drops) this.adopt(token);
        },
        (error: unknown) => {
          // The client found no usable token and could not fetch one: try again after a
          // growing pause, as the client's own background refresh does.
          this.failures += 1;
          this.lastError = error;
          this.pollAt = this.now() + refreshRetryDelay(this.failures);
        },
      )
      .then(() => {
        this.polling = false;
        this.schedule();
      });
  }

  private adopt(token: AccessToken): void {
    const now = this.now();
    // A dropped token that the client gives back is one it holds valid: planned anew.
    if (token.accessToken !== this.token?.accessToken || this.dropped) {
      // The whole lifetime, as the client counts it, so that the skew is the client's own: a
      // JWT's `exp - iat`, else (or when shorter) what is left of it now.
      const expiresAt = token.expiresAt.getTime();
      const left = expiresAt - now;
      const lifetime = Math.max(left, jwtLifetimeMs(decodeJwtClaims(token.accessToken), now) ?? 0);
      const times = planTokenTimes(expiresAt - lifetime, lifetime, WINDOW_START);
      this.token = token;
      this.dropped = false;
      this.usableUntil = times.usableUntil;
      this.pollAt = times.refreshAt;
    } else {
      // The client still serves this token (fresh, or while its background refresh runs):
      // ask again, more often as the end of its usable life nears.
      this.pollAt = now + (this.usableUntil - now) / 4;
    }
    // Never a busy loop, whatever the token's times (past, NaN).
    if (!(this.pollAt >= now + MIN_POLL_MS)) this.pollAt = now + MIN_POLL_MS;
  }

  private schedule(): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, this.pollAt - this.now()));
    const timer = setTimeout(() => {
      if (this.polling) return; // the poll reschedules when it settles
      if (this.now() >= this.pollAt) this.poll();
      else this.schedule();
    }, delay);
    // Never what keeps a process alive: one with nothing else to do exits, warm tokens or not.
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }
}
