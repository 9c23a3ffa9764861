/**
 * Benchmark 3: a cold stampede. 10,000 callers ask a fresh client for a token at once; the
 * emulator counts the token requests that reach it (single-flight: there must be exactly one)
 * and we time until every caller holds the token. Repeated with a new client each time.
 */
import { createCybridId } from "../src/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { median, round } from "./stats.js";

const CALLERS = 10_000;
const TOKEN_PATH = "/oauth/token";

export async function benchStampede(emulator: Emulator, repetitions = 7) {
  const runs: { requests: number; ms: number }[] = [];
  for (let i = 0; i < repetitions; i++) {
    const cybrid = createCybridId({
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      baseUrl: emulator.url,
    });
    const before = emulator.count(TOKEN_PATH);
    const started = performance.now();
    const tokens = await Promise.all(Array.from({ length: CALLERS }, () => cybrid.getToken()));
    const ms = performance.now() - started;
    const requests = emulator.count(TOKEN_PATH) - before;
    const first = tokens[0]?.accessToken;
    if (!first || tokens.some((token) => token.accessToken !== first)) {
      throw new Error("stampede: callers did not all receive the same token");
    }
    runs.push({ requests, ms });
  }
  return {
    callers: CALLERS,
    repetitions,
    /** The most token requests any repetition made (budget: exactly 1). */
    maxRequests: Math.max(...runs.map((run) => run.requests)),
    minRequests: Math.min(...runs.map((run) => run.requests)),
    msUntilAllServed: {
      median: round(median(runs.map((run) => run.ms)), 2),
      max: round(Math.max(...runs.map((run) => run.ms)), 2),
    },
  };
}
