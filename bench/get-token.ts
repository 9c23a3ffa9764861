/**
 * Benchmark 2: `getToken()` on a warm cache against a bare `await` of an already-resolved
 * promise (the least any async token getter can cost). Each sample is a loop of CALLS awaits;
 * the loops alternate in rounds.
 *
 * For information, a third loop awaits the same promise after one `Date.now()`: the floor of
 * any cache that checks expiry against the wall clock on every call. It shows how much of
 * getToken's cost is the clock read itself (on some VMs a clock read costs more than an await).
 */
import type { AccessToken, CybridId } from "../src/index.js";
import { compare, interleave, median, round } from "./stats.js";

const CALLS = 20_000;

export async function benchGetToken(cybrid: CybridId, rounds = 60) {
  const resolved: Promise<AccessToken> = Promise.resolve(await cybrid.getToken());
  let sink = 0;

  async function sdkLoop(): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) sink += (await cybrid.getToken()).accessToken.length;
    return performance.now() - started;
  }
  async function bareLoop(): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) sink += (await resolved).accessToken.length;
    return performance.now() - started;
  }

  async function clockLoop(): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) {
      sink += Date.now() & 1;
      sink += (await resolved).accessToken.length;
    }
    return performance.now() - started;
  }

  const samples = await interleave(
    { getToken: sdkLoop, bareAwait: bareLoop, awaitPlusClock: clockLoop },
    { rounds, warmupRounds: 10 },
  );
  if (sink === 0) throw new Error("unreachable: keeps the loops from being optimised away");
  const ns = (values: number[]) => round((median(values) / CALLS) * 1e6, 1);
  const { ratio, pairedRatio } = compare(samples.getToken, samples.bareAwait);
  return {
    callsPerSample: CALLS,
    rounds: samples.getToken.length,
    nsPerCall: {
      getToken: ns(samples.getToken),
      bareAwait: ns(samples.bareAwait),
      awaitPlusClock: ns(samples.awaitPlusClock),
    },
    ratio: round(ratio),
    pairedRatio: round(pairedRatio),
    /** (info) One Date.now() per call: the floor of a cache that reads the clock per call. */
    clockFloorRatio: round(compare(samples.awaitPlusClock, samples.bareAwait).ratio),
    /** The budget's ratio: getToken against that floor, "await + one clock read". */
    vsClockFloorRatio: round(compare(samples.getToken, samples.awaitPlusClock).ratio),
  };
}
