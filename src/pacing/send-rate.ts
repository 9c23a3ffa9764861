/**
 * The send rate of one endpoint, after the AWS SDKs' adaptive retry mode: unlimited until the
 * server first throttles, then set from the rate that the server did let through, cut on each
 * further throttle and grown back along a CUBIC curve while no throttle comes. The curve
 * regains the rate of the last cut within `RECOVERY_S` (2 s) and then climbs fast (x1.9 one
 * second later, x8 two seconds later), so a raised limit is found within seconds while a steady
 * limit costs one throttled request every second or two.
 */

import { monotonicNow } from "../retry/timers.js";

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

export interface SendRate {
  /** Requests per second at `at` (default now), or undefined while unpaced. */
  current(at?: number): number | undefined;
  /** When the last cut came (on `now`'s clock), 0 before any. */
  readonly cutAt: number;
  /** A request sent at `sentAt` succeeded. */
  recordSuccess(sentAt: number): void;
  /**
   * The server throttled: the curve restarts from BETA of the rate that got through. That is
   * the rate of successful sends over the last second (a window limit lets a higher rate run
   * until the window fills, so the paced rate at the throttle overstates the limit), but not
   * above the paced rate nor below BETA of it.
   */
  cut(): void;
  /** Back to unpaced (a long time with no throttle). */
  reset(): void;
}

export function createSendRate(now: () => number = monotonicNow): SendRate {
  /** The rate at the last cut, per second; undefined while unpaced. */
  let ceiling: number | undefined;
  let cutAt = 0;
  /** When the successful requests of the last second were sent. */
  let successes: number[] = [];

  const current = (at = now()): number | undefined => {
    if (ceiling === undefined) return undefined;
    const t = (at - cutAt) / 1000 - RECOVERY_S;
    return Math.max(MIN_RATE, ceiling * (1 + (t < 0 ? SCALE : PROBE_SCALE) * t ** 3));
  };
  const forgetOlderThanASecond = () => {
    const since = now() - 1000;
    while (successes[0] !== undefined && successes[0] <= since) successes.shift();
  };

  return {
    current,
    get cutAt() {
      return cutAt;
    },
    recordSuccess(sentAt) {
      successes.push(sentAt);
      forgetOlderThanASecond();
    },
    cut() {
      const at = now();
      forgetOlderThanASecond();
      const measured = Math.max(MIN_RATE, successes.length);
      const paced = current(at);
      ceiling = paced === undefined ? measured : Math.min(paced, Math.max(measured, paced * BETA));
      cutAt = at;
    },
    reset() {
      ceiling = undefined;
      successes = [];
    },
  };
}
