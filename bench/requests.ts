/**
 * Benchmark 1: what an authenticated request costs through the SDK, against what a careful
 * user writes by hand, to the same local server (bench/http-server.ts), on a warm token cache.
 *
 *   sdkFetch        cybrid.fetch(url)
 *   handFetch       fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(t) })
 *   plainFetch      fetch(url, { headers: { authorization } })              (information)
 *   sdkMiddleware   openapi-fetch client + cybrid.middleware
 *   handMiddleware  openapi-fetch client + a middleware that sets a fixed header
 *
 * Every sample is a batch of requests with a few in flight (moderate concurrency: 2 cores,
 * one of them the server's); every response body is read. Variants alternate in rounds.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { CybridId } from "../src/index.js";
import { TINY_PATH } from "./http-server.js";
import { compare, interleave, median, round, type Sampler } from "./stats.js";

export interface RequestOptions {
  cybrid: CybridId;
  /** The tiny server's origin. */
  url: string;
  /** The per-attempt timeout the SDK was created with (the hand-written code uses the same). */
  timeout: number;
  rounds?: number;
  /** Requests per sample, and how many of them are in flight at once. */
  batch?: number;
  inFlight?: number;
}

type TinyPaths = {
  [TINY_PATH]: {
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: Record<string, unknown>; content: { "application/json": { ok: boolean } } };
      };
    };
  };
};

const BATCH = 16;
const IN_FLIGHT = 1;

export async function benchRequests(options: RequestOptions) {
  const { cybrid, timeout } = options;
  const size = options.batch ?? BATCH;
  const inFlight = options.inFlight ?? IN_FLIGHT;
  const batch =
    (request: () => Promise<unknown>): Sampler =>
    async () => {
      const started = performance.now();
      const worker = async () => {
        for (let i = 0; i < size / inFlight; i++) await request();
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      return performance.now() - started;
    };
  const target = `${options.url}${TINY_PATH}`;
  const authorization = `Bearer ${(await cybrid.getToken()).accessToken}`;

  const sdkClient = createClient<TinyPaths>({ baseUrl: options.url });
  sdkClient.use(cybrid.middleware);
  const handClient = createClient<TinyPaths>({ baseUrl: options.url });
  const fixedHeader: Middleware = {
    onRequest({ request }) {
      request.headers.set("authorization", authorization);
      return request;
    },
  };
  handClient.use(fixedHeader);

  const ok = (response: Response) => {
    if (response.status !== 200) throw new Error(`tiny server answered ${response.status}`);
    return response.json();
  };
  const okData = (result: { data?: unknown; response: Response }) => {
    if (result.data === undefined)
      throw new Error(`tiny server answered ${result.response.status}`);
  };
  const samplers = {
    sdkFetch: batch(() => cybrid.fetch(target).then(ok)),
    handFetch: batch(() =>
      fetch(target, { headers: { authorization }, signal: AbortSignal.timeout(timeout) }).then(ok),
    ),
    plainFetch: batch(() => fetch(target, { headers: { authorization } }).then(ok)),
    sdkMiddleware: batch(() => sdkClient.GET(TINY_PATH).then(okData)),
    handMiddleware: batch(() => handClient.GET(TINY_PATH).then(okData)),
  };
  const samples = await interleave(samplers, {
    rounds: options.rounds ?? 800,
    warmupRounds: 15,
    maxMs: 30_000,
    minRounds: 200,
  });

  const usPerRequest = (name: keyof typeof samples) =>
    round((median(samples[name]) / size) * 1000, 1);
  const ratio = (a: keyof typeof samples, b: keyof typeof samples) => {
    const { ratio, pairedRatio } = compare(samples[a], samples[b]);
    return { ratio: round(ratio), pairedRatio: round(pairedRatio) };
  };
  return {
    batch: size,
    inFlight,
    rounds: samples.sdkFetch.length,
    usPerRequest: {
      sdkFetch: usPerRequest("sdkFetch"),
      handFetch: usPerRequest("handFetch"),
      plainFetch: usPerRequest("plainFetch"),
      sdkMiddleware: usPerRequest("sdkMiddleware"),
      handMiddleware: usPerRequest("handMiddleware"),
    },
    /** Budgeted: the SDK against the same thing written by hand. */
    fetchRatio: ratio("sdkFetch", "handFetch"),
    middlewareRatio: ratio("sdkMiddleware", "handMiddleware"),
    /** Information: each against plain fetch with no timeout signal. */
    info: {
      sdkFetchVsPlain: ratio("sdkFetch", "plainFetch"),
      handFetchVsPlain: ratio("handFetch", "plainFetch"),
      sdkMiddlewareVsPlain: ratio("sdkMiddleware", "plainFetch"),
      handMiddlewareVsPlain: ratio("handMiddleware", "plainFetch"),
    },
  };
}
