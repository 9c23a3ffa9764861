/**
 * The send rate of one endpoint, after the AWS SDKs' adaptive retry mode: unlimited until the
 * server first throttles, then set from the rate that the server did let through, cut on each
 * further throttle and grown back along a CUBIC curve while no throttle comes. The curve
 * regains the rate of the last cut within `RECOVERY_S` (2 s) and then climbs fast (x1.9 one
 * second later, x8 two seconds later), so a raised limit is found within seconds while a steady limit costs one
 * throttled request every second or two.
 */

/** Each throttle keeps this share of the rate (AWS and CUBIC use 0.7). */
export const BETA = 0.7;
/** Seconds for the curve to climb back from a cut to the rate at which it was throttled. */
const RECOVERY_S = 2;
/** CUBIC's scale, normalised to the rate so the timing above holds at any rate. */
const SCALE = (1 - BETA) / RECOVERY_S ** 3;
/**
 * Past the old rate the curve climbs faster than it came back (x1.1 after half a second, x1.9
 * after one, x8 after two), to find a raised limit sooner; near the old rate it stays flat, so
 * a steady limit is probed about every two seconds only.
 */
const PROBE_SCALE = 0.9;
/** Rates are not cut below this (requests per second): a paced endpoint still moves. */
export const MIN_RATE = 0.5;
/** The window over which successful sends are counted to estimate the server's rate. */
const MEASURE_MS = 1_000;

export class SendRate {
  /** The rate at the last cut, per second; undefined while unpaced. */
  private ceiling: number | undefined;
  private cutAt = 0;
  /** When successful requests were sent, over the last MEASURE_MS. */
  private readonly successes: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  get paced(): boolean {
    return this.ceiling !== undefined;
  }

  /** When the last cut happened (ms since epoch), 0 before any. */
  get lastCutAt(): number {
    return this.cutAt;
  }

  /** The current rate in requests per second, or undefined while unpaced. */
  current(at = this.now()): number | undefined {
    if (this.ceiling === undefined) return undefined;
    const t = (at - this.cutAt) / 1000 - RECOVERY_S;
    return Math.max(MIN_RATE, this.ceiling * (1 + (t < 0 ? SCALE : PROBE_SCALE) * t ** 3));
  }

  /** A request sent at `sentAt` succeeded. */
  recordSuccess(sentAt: number): void {
    this.successes.push(sentAt);
    this.trim();
  }

  /**
   * The server throttled: the curve restarts from BETA of the rate that got through. That is
   * the rate of successful sends over the last second (a window limit lets a higher rate run
   * until the window fills, so the paced rate at the throttle overstates the limit), but not
   * above the paced rate nor below BETA of it. Returns the new rate.
   */
  cut(): number {
    const at = this.now();
    this.trim();
    const measured = Math.max(MIN_RATE, this.successes.length / (MEASURE_MS / 1000));
    const paced = this.current(at);
    const from = paced === undefined ? measured : Math.min(paced, Math.max(measured, paced * BETA));
    this.ceiling = from;
    this.cutAt = at;
    return this.current(at) ?? from;
  }

  /** Back to unpaced (a long time with no throttle). */
  reset(): void {
    this.ceiling = undefined;
    this.successes.length = 0;
  }

  private trim(): void {
    const since = this.now() - MEASURE_MS;
    let drop = 0;
    while (drop < this.successes.length && (this.successes[drop] ?? 0) <= since) drop++;
    if (drop > 0) this.successes.splice(0, drop);
  }
}
