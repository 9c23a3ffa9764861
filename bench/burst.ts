/**
 * Benchmark: a burst of N distinct customer tokens against the emulator's rate limit of R per
 * second (a 1 s sliding window, answered with 403 `rate_limited` and Retry-After), asked all at
 * once. Paced (the defaults) beside the pre-pacing client (`pacing: false, retryBudget: false`),
 * each on a fresh emulator. The physical limit is N/R seconds; the budget: no failure,
 * requests <= 1.10 N + 10, time <= 1.3 N/R. The deadline is 2 N/R (at least the default 60 s)
 * so that the burst can be served at all.
 */
import { startEmulator } from "../src/emulator/index.js";
import { createCybridId, type CybridIdOptions } from "../src/index.js";
import { round } from "./stats.js";

const CUSTOMER_TOKENS = "/api/customer_tokens";

const guid = (i: number) => i.toString(16).padStart(32, "0");

async function runBurst(n: number, rate: number, overrides: CybridIdOptions) {
  const emulator = await startEmulator({ rateLimit: { max: rate, windowMs: 1_000 } });
  try {
    const cybrid = createCybridId({
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      baseUrl: emulator.url,
      logger: "silent",
      deadline: Math.max(60_000, Math.ceil((2 * n * 1_000) / rate)),
      ...overrides,
    });
    await cybrid.getToken();
    // The bank token took one request of the window: start the burst on a fresh one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const started = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        cybrid.getCustomerToken({ customerGuid: guid(i), scopes: ["accounts:read"] }),
      ),
    );
    return {
      failures: settled.filter((result) => result.status === "rejected").length,
      requests: emulator.count(CUSTOMER_TOKENS),
      ms: round(performance.now() - started, 0),
    };
  } finally {
    await emulator.close();
  }
}

export async function benchBurst(n: number, ratePerSecond: number) {
  const paced = await runBurst(n, ratePerSecond, {});
  const unpaced = await runBurst(n, ratePerSecond, { pacing: false, retryBudget: false });
  return {
    n,
    ratePerSecond,
    /** The physical limit, N/R, in ms. */
    physicalMs: Math.round((n * 1_000) / ratePerSecond),
    budget: {
      requests: Math.floor(1.1 * n + 10),
      ms: Math.round((1.3 * n * 1_000) / ratePerSecond),
    },
    paced,
    unpaced,
  };
}

export type BurstResult = Awaited<ReturnType<typeof benchBurst>>;
