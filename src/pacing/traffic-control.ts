/**
 * The pacing of one client: a pacer per token endpoint (made on first use) and the client's
 * retry budget, with the one place of their logs and hook: one warning when an endpoint is
 * first throttled (not one per call), debug logs for each later change of its pace.
 */
import type { Logger } from "../log/logger.js";
import { createPacer, type Pacer, type PacingState } from "./pacer.js";
import { createRetryBudget, type RetryBudget } from "./retry-budget.js";

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
  onPacingChanged?: (state: PacingState) => void,
): TrafficControl {
  const pacers = new Map<string, Pacer>();
  return {
    budget: retryBudget === false ? undefined : createRetryBudget(retryBudget),
    pacer(endpoint) {
      if (pacing === false) return undefined;
      let pacer = pacers.get(endpoint);
      if (pacer === undefined) {
        let warned = false;
        pacer = createPacer(endpoint, pacing.maxInFlight, (state) => {
          const rate = state.ratePerSecond;
          const pace =
            rate === undefined ? "pacing ended" : `pacing to ${Math.round(rate * 10) / 10}/s`;
          if (rate !== undefined && !warned) {
            warned = true;
            logger.log("warn", `${endpoint}: rate limited by the server; ${pace}`);
          } else {
            logger.log("debug", `${endpoint}: ${pace}`);
          }
          onPacingChanged?.(state);
        });
        pacers.set(endpoint, pacer);
      }
      return pacer;
    },
  };
}
