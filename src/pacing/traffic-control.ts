/**
 * The pacing of one client: a pacer per token endpoint (made on first use) and the client's
 * retry budget, with their logs and hook. One warning when an endpoint is first throttled
 * (not one per call), debug logs for each later rate change.
 */
import type { Logger } from "../log/logger.js";
import { Pacer, type PacingState } from "./pacer.js";
import { RetryBudget } from "./retry-budget.js";

export interface PacingOptions {
  /** Requests in flight per endpoint. */
  maxInFlight: number;
}

export interface TrafficControl {
  /** The endpoint's pacer, or undefined when pacing is off. */
  pacer(endpoint: string): Pacer | undefined;
  /** The client's retry budget, or undefined when it is off. */
  readonly budget: RetryBudget | undefined;
}

export function createTrafficControl(
  pacing: PacingOptions | false,
  retryBudget: number | false,
  logger: Logger,
  onPacingChanged: ((state: PacingState) => void) | undefined,
): TrafficControl {
  const pacers = new Map<string, Pacer>();
  const warned = new Set<string>();
  const rateText = (rate: number | undefined) =>
    rate === undefined ? "unpaced" : `${Math.round(rate * 10) / 10} requests/s`;
  return {
    budget: retryBudget === false ? undefined : new RetryBudget(retryBudget),
    pacer(endpoint) {
      if (pacing === false) return undefined;
      let pacer = pacers.get(endpoint);
      if (pacer === undefined) {
        pacer = new Pacer({
          endpoint,
          maxInFlight: pacing.maxInFlight,
          onChange: (state, reason) => {
            const rate = rateText(state.ratePerSecond);
            if (reason === "started" && !warned.has(endpoint)) {
              warned.add(endpoint);
              logger.log("warn", `${endpoint}: rate limited by the server; pacing to ${rate}`);
            } else if (reason === "ended") {
              logger.log("debug", `${endpoint}: no rate limit for a while; pacing ended`);
            } else {
              logger.log("debug", `${endpoint}: rate limited; pacing to ${rate}`);
            }
            onPacingChanged?.(state);
          },
        });
        pacers.set(endpoint, pacer);
      }
      return pacer;
    },
  };
}
