/**
 * The IdP pipeline's retry decision, deterministic: a fake `fetch` under openapi-fetch (each
 * attempt answered from a script), fake timers and clock, fake pacer and budget, no real sleep.
 * One table per rule of `retryWait` (src/pipeline/idp-pipeline.ts), then the waits (backoff,
 * Retry-After, the deadline), pacing, the budget (a fake, then the real one once its bucket is
 * spent), the classification and the caller's abort.
 */
import createClient from "openapi-fetch";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeAbortSignalTimeout } from "../helpers/fake-abort-timeout.js";
import type { paths } from "../../generated/openapi.js";
import {
  ConnectionError,
  CybridIdError,
  RateLimitError,
} from "../../src/errors/cybrid-id-error.js";
import { createLogger } from "../../src/log/logger.js";
import { createRedactor } from "../../src/log/redactor.js";
import type { ResolvedOptions } from "../../src/config/options.js";
import { createRetryBudget, type RetryBudget } from "../../src/pacing/retry-budget.js";
import type { TrafficControl } from "../../src/pacing/traffic-control.js";
import { sendToIdp, type Engine, type IdpRequest } from "../../src/pipeline/idp-pipeline.js";

const BASE = "https://id.example.test";
const SECRET = "pipeline-test-client-secret";
const REQUEST: IdpRequest = {
  operation: "POST /oauth/token",
  path: "/oauth/token",
  body: { grant_type: "client_credentials", client_secret: SECRET },
  encoding: "json",
};

/** One scripted answer: a Response, or a value for the fetch to reject with. */
type Answer = Response | { reject: unknown } | { after: number; answer: Response } | "hang";

interface Sent {
  request: Request;
  body: string;
  at: number;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
const ok = (headers: Record<string, string> = {}) =>
  json(200, { access_token: "token", expires_in: 1800 }, headers);
const cybridError = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { status, error_message: `${code} happened`, message_code: code }, headers);

interface Fake {
  engine: Engine;
  sent: Sent[];
  lines: string[];
  retries: {
    retry: number;
    delayMs: number;
    status: number | undefined;
    code: string;
    paced: boolean;
  }[];
}

/** An engine whose fetch answers attempt n with `answers[n]` (the last one repeats). */
function fakeEngine(
  answers: Answer[],
  retry: Partial<ResolvedOptions["retry"]> = {},
  traffic?: TrafficControl,
): Fake {
  const sent: Sent[] = [];
  const lines: string[] = [];
  const retries: Fake["retries"] = [];
  const fetch = async (request: Request): Promise<Response> => {
    sent.push({ request, body: await request.clone().text(), at: Date.now() });
    const answer = answers[Math.min(sent.length, answers.length) - 1] as Answer;
    if (answer instanceof Response) return answer.clone();
    if (typeof answer === "object" && "after" in answer) {
      await new Promise((resolve) => setTimeout(resolve, answer.after));
      return answer.answer.clone();
    }
    if (answer === "hang") {
      return new Promise((_, reject) =>
        request.signal.addEventListener("abort", () => reject(request.signal.reason)),
      );
    }
    throw answer.reject;
  };
  const redactor = createRedactor();
  redactor.addClientSecret(SECRET);
  const options = {
    retry: {
      maxRetries: 2,
      timeout: 10_000,
      deadline: 60_000,
      backoff: { base: 500, max: 8_000 },
      ...retry,
    },
    hooks: { onRetryScheduled: (event: Fake["retries"][number]) => retries.push(event) },
  } as unknown as ResolvedOptions;
  const sink = {
    debug: () => {},
    info: (line: string) => lines.push(line),
    warn: () => {},
    error: () => {},
  };
  const engine: Engine = {
    api: createClient<paths>({ baseUrl: BASE, fetch }),
    options,
    logger: createLogger("info", sink, (text) => redactor.redact(text)),
    redactor,
    traffic,
  };
  return { engine, sent, lines, retries };
}

/** The call's outcome, caught at once so that a rejection waiting on fake time is handled. */
function start(
  fake: Fake,
  call: { signal?: AbortSignal; deadlineAt?: number } = {},
  request = REQUEST,
) {
  return sendToIdp(fake.engine, request, call).then(
    (value) => ({ value, error: undefined }),
    (error: CybridIdError) => ({ value: undefined, error }),
  );
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
  // Backoff in the middle of its range: base 500 -> 250, then 500, 1000...
  vi.spyOn(Math, "random").mockReturnValue(0.5);
  fakeAbortSignalTimeout();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("what is retried", () => {
  it.each([408, 429, 500, 502, 503, 504])("%i: retried after the backoff", async (status) => {
    const fake = fakeEngine([cybridError(status, "boom"), ok()]);
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(249);
    expect(fake.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const { value } = await outcome;
    expect(value?.attempts).toBe(2);
    expect(fake.sent[1]?.at).toBe(Date.UTC(2026, 0, 1) + 250);
    expect(fake.retries).toEqual([
      { operation: REQUEST.operation, retry: 1, delayMs: 250, status, code: "boom", paced: false },
    ]);
    expect(fake.lines).toEqual([`[cybrid-id] POST /oauth/token: ${status}, retry 1 in 250 ms`]);
  });

  it.each([
    [400, "invalid_request", "BadRequestError"],
    [401, "invalid_client", "AuthenticationError"],
    [403, "forbidden", "PermissionDeniedError"],
    [403, "invalid_scopes", "PermissionDeniedError"],
    [404, "not_found", "CybridIdError"],
    [409, "conflict", "ConflictError"],
    [422, "no_customer", "UnprocessableEntityError"],
    [501, "not_implemented", "ServerError"],
  ])("%i %s: final at once", async (status, code, name) => {
    const fake = fakeEngine([cybridError(status, code, { "retry-after": "1" }), ok()]);
    const { error } = await start(fake);
    expect(error).toMatchObject({ name, status, code, attempts: 1 });
    expect(fake.sent).toHaveLength(1);
    expect(fake.retries).toEqual([]);
  });

  it("x-should-retry: false wins over a retried status, true over a final one", async () => {
    const no = fakeEngine([cybridError(503, "down", { "x-should-retry": "false" }), ok()]);
    expect((await start(no)).error).toMatchObject({ status: 503, attempts: 1 });
    const yes = fakeEngine([cybridError(400, "bad", { "x-should-retry": "true" }), ok()]);
    const outcome = start(yes);
    await vi.advanceTimersByTimeAsync(250);
    expect((await outcome).value?.attempts).toBe(2);
    // Anything but true or false is no answer: the status decides.
    const maybe = fakeEngine([cybridError(400, "bad", { "x-should-retry": "yes" }), ok()]);
    expect((await start(maybe)).error).toMatchObject({ status: 400, attempts: 1 });
  });

  it("a refused redirect, a body that is no JSON object, a body too large: final, whatever x-should-retry says", async () => {
    const always = { "x-should-retry": "true" };
    const redirect = new Response(null, {
      status: 307,
      headers: { location: "https://user:pw@elsewhere.test/x?secret=1", ...always },
    });
    const answers: [Response, string][] = [
      [redirect, "redirect_refused"],
      [new Response("<html>hi</html>", { status: 200, headers: always }), "invalid_response"],
      [json(200, [1, 2], always), "invalid_response"],
      [new Response("x".repeat(70_000), { status: 503, headers: always }), "response_too_large"],
    ];
    for (const [answer, code] of answers) {
      const fake = fakeEngine([answer, ok()]);
      const { error } = await start(fake);
      expect(error, code).toMatchObject({ name: "InvalidResponseError", code, attempts: 1 });
      expect(fake.sent, code).toHaveLength(1);
    }
    const { error } = await start(fakeEngine([redirect.clone()]));
    expect(error?.message).toContain("https://elsewhere.test");
    expect(error?.message).not.toMatch(/user|pw|secret=1/);
  });

  it("connection failures and per-attempt timeouts are retried", async () => {
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    const fake = fakeEngine([{ reject: refused }, "hang", ok()], { timeout: 1_000 });
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(250); // backoff after the refused connection
    expect(fake.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000); // the hang's timeout
    await vi.advanceTimersByTimeAsync(500); // backoff
    const { value } = await outcome;
    expect(value?.attempts).toBe(3);
    expect(fake.retries.map((r) => r.code)).toEqual(["connection_failed", "timeout"]);
  });

  it("an error of the SDK's own that a custom fetch throws is final, unless it is a connection failure", async () => {
    const refusal = new CybridIdError("not this origin", { code: "origin_not_allowed" });
    const fake = fakeEngine([{ reject: refusal }, ok()]);
    expect((await start(fake)).error).toMatchObject({ code: "origin_not_allowed", attempts: 1 });
    const down = new ConnectionError("down", { code: "connection_failed" });
    const again = fakeEngine([{ reject: down }, ok()]);
    const outcome = start(again);
    await vi.advanceTimersByTimeAsync(250);
    expect((await outcome).value?.attempts).toBe(2);
  });
});

describe("a token endpoint's 403", () => {
  it.each([
    ["rate_limited", {}],
    ["too_many_requests", {}],
    ["throttled", {}],
    ["rate_limit_exceeded", {}],
  ])("%s is the rate limit: RateLimitError, retried", async (code, headers) => {
    const fake = fakeEngine([cybridError(403, code, headers), ok()]);
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(250);
    expect((await outcome).value?.attempts).toBe(2);
    expect(fake.retries[0]).toMatchObject({ status: 403, code });
  });

  it("a 403 that names no code is the rate limit when it comes with a Retry-After", async () => {
    const limited = fakeEngine([
      new Response("slow down", { status: 403, headers: { "retry-after": "2" } }),
      ok(),
    ]);
    const outcome = start(limited);
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await outcome).value?.attempts).toBe(2);
    expect(limited.retries[0]).toMatchObject({ code: "rate_limited", delayMs: 2_000 });

    const plain = fakeEngine([new Response("no", { status: 403 }), ok()]);
    expect((await start(plain)).error).toMatchObject({
      name: "PermissionDeniedError",
      attempts: 1,
    });
  });

  it.each(["forbidden", "invalid_scopes", "invalid_scope", "unauthorized_client"])(
    "%s is a permission problem, whatever its Retry-After says",
    async (code) => {
      const fake = fakeEngine([cybridError(403, code, { "retry-after": "1" }), ok()]);
      const { error } = await start(fake);
      expect(error).toMatchObject({ name: "PermissionDeniedError", code, attempts: 1 });
    },
  );
});

describe("how many, how long", () => {
  it("maxRetries bounds the retries; the error says how many attempts were made", async () => {
    const fake = fakeEngine([cybridError(503, "down")], { maxRetries: 3 });
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(250 + 500 + 1_000);
    const { error } = await outcome;
    expect(error).toMatchObject({ name: "ServerError", attempts: 4 });
    expect(fake.sent).toHaveLength(4);
    expect(fake.retries.map((r) => r.delayMs)).toEqual([250, 500, 1_000]);
  });

  it("maxRetries 0: one attempt", async () => {
    const fake = fakeEngine([cybridError(503, "down"), ok()], { maxRetries: 0 });
    expect((await start(fake)).error).toMatchObject({ attempts: 1 });
  });

  it("Retry-After (seconds, date, retry-after-ms) replaces the backoff", async () => {
    const inTwoSeconds = new Date(Date.UTC(2026, 0, 1, 0, 0, 2)).toUTCString();
    for (const [headers, wait] of [
      [{ "retry-after": "3" }, 3_000],
      [{ "retry-after": inTwoSeconds }, 2_000],
      [{ "retry-after-ms": "120", "retry-after": "3" }, 120],
    ] as const) {
      vi.setSystemTime(Date.UTC(2026, 0, 1));
      const fake = fakeEngine([cybridError(503, "down", headers), ok()]);
      const outcome = start(fake);
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(fake.sent).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect((await outcome).value?.attempts).toBe(2);
      expect(fake.retries[0]?.delayMs).toBe(wait);
    }
  });

  it("a Retry-After past the deadline fails at once, carrying retryAfter", async () => {
    const fake = fakeEngine(
      [cybridError(429, "too_many_requests", { "retry-after": "30" }), ok()],
      {
        deadline: 10_000,
      },
    );
    const { error } = await start(fake);
    expect(error).toMatchObject({ name: "RateLimitError", retryAfter: 30_000, attempts: 1 });
    expect(Date.now()).toBe(Date.UTC(2026, 0, 1)); // no time passed: it did not wait first
    expect(fake.retries).toEqual([]);
  });

  it("a backoff past the deadline fails at once; the deadline counts all attempts and waits", async () => {
    const fake = fakeEngine([cybridError(503, "down")], {
      maxRetries: 10,
      deadline: 2_000,
      backoff: { base: 1_000, max: 8_000 },
    });
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(500 + 1_000); // 1.5 s passed; the next backoff is 2 s
    const { error } = await outcome;
    expect(error).toMatchObject({ name: "ServerError", attempts: 3 });
    expect(Date.now()).toBe(Date.UTC(2026, 0, 1) + 1_500);
  });

  it("an attempt the deadline cuts short is deadline_exceeded, and final", async () => {
    const fake = fakeEngine(["hang"], { timeout: 5_000, deadline: 1_000 });
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await outcome).error).toMatchObject({
      name: "TimeoutError",
      code: "deadline_exceeded",
      attempts: 1,
    });
    expect(fake.sent).toHaveLength(1);
  });

  it("a step of the wall clock during a backoff neither ends the deadline nor stretches it", async () => {
    const forward = fakeEngine([cybridError(503, "down", { "retry-after-ms": "100" }), ok()]);
    const retried = start(forward);
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() + 3_600_000); // NTP, a VM resumed: the deadline is 60 s all the same
    await vi.advanceTimersByTimeAsync(100);
    expect((await retried).value?.attempts).toBe(2);

    const back = fakeEngine(["hang"], { timeout: 5_000, deadline: 8_000, maxRetries: 5 });
    let error: CybridIdError | undefined;
    void start(back).then((outcome) => (error = outcome.error));
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() - 3_600_000);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(error).toMatchObject({ code: "deadline_exceeded" });
  });

  it("the round trip is measured on the monotonic clock: a wall-clock step does not change it", async () => {
    const fake = fakeEngine([{ after: 120, answer: ok() }]);
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() - 3_600_000);
    await vi.advanceTimersByTimeAsync(120);
    expect((await outcome).value?.roundTripMs).toBe(120);
  });

  it("a deadline the caller gives that has already passed sends nothing", async () => {
    const fake = fakeEngine([ok()]); // unpaced: nothing else stops it
    const { error } = await start(fake, { deadlineAt: performance.now() });
    expect(error).toMatchObject({ name: "TimeoutError", code: "deadline_exceeded", attempts: 0 });
    expect(fake.sent).toHaveLength(0);
  });

  it("a deadline the caller gives (a customer token's fetch, on the monotonic clock) replaces its own", async () => {
    const fake = fakeEngine(["hang"], { timeout: 5_000, deadline: 60_000 });
    let error: CybridIdError | undefined;
    void start(fake, { deadlineAt: performance.now() + 1_000 }).then(
      (outcome) => (error = outcome.error),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(error).toMatchObject({ code: "deadline_exceeded", attempts: 1 });
  });
});

/** A fake pacer and budget, recording what the pipeline asked of them. */
function fakeTraffic(
  options: {
    refuse?: (call: number) => CybridIdError | undefined;
    /** Each claim's answer: refused (false), or the wait it needs (a number; true or none: 0). */
    budget?: (boolean | number)[];
  } = {},
) {
  const acquired: { deadlineAt: number; retry: boolean }[] = [];
  const released: unknown[] = [];
  const budget = {
    claimRetry: vi.fn((_timedOut: boolean, _within: number) => {
      const answer = options.budget?.shift();
      return answer === false ? undefined : typeof answer === "number" ? answer : 0;
    }),
    recordSuccess: vi.fn(),
  };
  const pacer = {
    acquire: async (deadlineAt: number, _signal: AbortSignal | undefined, retry: boolean) => {
      acquired.push({ deadlineAt, retry });
      const refusal = options.refuse?.(acquired.length);
      if (refusal) throw refusal;
      return { sentAt: Date.now(), release: (outcome: unknown) => released.push(outcome) };
    },
  };
  const traffic = { pacer: (path: string) => (path === REQUEST.path ? pacer : undefined), budget };
  return { traffic: traffic as unknown as TrafficControl, acquired, released, budget };
}

describe("pacing and the retry budget", () => {
  it("each attempt takes a send slot within the deadline and releases it with its outcome", async () => {
    const { traffic, acquired, released, budget } = fakeTraffic();
    const fake = fakeEngine(
      [cybridError(503, "down", { "retry-after-ms": "100" }), ok()],
      {},
      traffic,
    );
    const deadlineAt = performance.now() + 60_000;
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(100);
    expect((await outcome).value?.attempts).toBe(2);
    expect(acquired).toEqual([
      { deadlineAt, retry: false },
      { deadlineAt, retry: true },
    ]);
    expect(released).toEqual([
      { success: false, throttled: false, retryAfter: 100 },
      { success: true, throttled: false, retryAfter: undefined },
    ]);
    expect(budget.claimRetry).toHaveBeenCalledWith(false, 60_000);
    expect(budget.recordSuccess).toHaveBeenCalledTimes(1);
  });

  it("paced, a throttled attempt waits for its turn in the pace, not a backoff, and uses no retry", async () => {
    const { traffic, released } = fakeTraffic();
    const throttled = cybridError(403, "rate_limited", { "retry-after-ms": "300" });
    const fake = fakeEngine([throttled, throttled, ok()], { maxRetries: 0 }, traffic);
    const { value } = await start(fake); // no timer advanced: the pacer holds the Retry-After
    expect(value?.attempts).toBe(3);
    expect(released.slice(0, 2)).toEqual([
      { success: false, throttled: true, retryAfter: 300 },
      { success: false, throttled: true, retryAfter: 300 },
    ]);
    expect(fake.retries.map((r) => r.delayMs)).toEqual([0, 0]);
    // The hook can tell: the wait is the pace's, not delayMs.
    expect(fake.retries.map((r) => r.paced)).toEqual([true, true]);
    expect(fake.lines[0]).toBe(
      "[cybrid-id] POST /oauth/token: 403, retry 1, waiting for its turn in the pace",
    );
  });

  it("paced, a retry that waits for the reserve's refill says how long, then waits its turn", async () => {
    const { traffic } = fakeTraffic({ budget: [700] });
    const throttled = cybridError(403, "rate_limited", { "retry-after-ms": "300" });
    const fake = fakeEngine([throttled, ok()], {}, traffic);
    const outcome = start(fake);
    await vi.advanceTimersByTimeAsync(700);
    expect((await outcome).value?.attempts).toBe(2);
    expect(fake.retries.map((r) => r.delayMs)).toEqual([700]);
    expect(fake.lines[0]).toBe(
      "[cybrid-id] POST /oauth/token: 403, retry 1 in 700 ms, waiting for its turn in the pace",
    );
  });

  it("paced, a Retry-After past the deadline still fails at once", async () => {
    const { traffic } = fakeTraffic();
    const fake = fakeEngine(
      [cybridError(429, "too_many_requests", { "retry-after": "90" }), ok()],
      {},
      traffic,
    );
    expect((await start(fake)).error).toMatchObject({ retryAfter: 90_000, attempts: 1 });
  });

  it("refused a slot: the local refusal before any attempt, the last attempt's error after one", async () => {
    const local = () =>
      new RateLimitError("no send slot before the deadline", { code: "rate_limited_locally" });
    const first = fakeTraffic({ refuse: local });
    const { error } = await start(fakeEngine([ok()], {}, first.traffic));
    expect(error).toMatchObject({ code: "rate_limited_locally", attempts: 0 });

    const second = fakeTraffic({ refuse: (call) => (call === 2 ? local() : undefined) });
    const fake = fakeEngine([cybridError(403, "rate_limited")], {}, second.traffic);
    expect((await start(fake)).error).toMatchObject({
      code: "rate_limited",
      status: 403,
      attempts: 1,
    });
  });

  it("a budget that cannot pay makes the error final; a timeout costs more", async () => {
    const { traffic, budget } = fakeTraffic({ budget: [false] });
    const fake = fakeEngine([cybridError(503, "down"), ok()], {}, traffic);
    expect((await start(fake)).error).toMatchObject({ status: 503, attempts: 1 });
    expect(budget.claimRetry).toHaveBeenCalledWith(false, 60_000);

    const timeouts = fakeTraffic({ budget: [false] });
    const hung = fakeEngine(["hang"], { timeout: 1_000 }, timeouts.traffic);
    const outcome = start(hung);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await outcome).error).toMatchObject({ code: "timeout", attempts: 1 });
    expect(timeouts.budget.claimRetry).toHaveBeenCalledWith(true, 59_000);
  });
});

/** No pacer and the client's own retry budget, its bucket spent: only the reserve pays. */
const spentBudget = () =>
  ({ pacer: () => undefined, budget: createRetryBudget(0) }) as unknown as TrafficControl;

describe("the retry budget's reserve, once the bucket is spent", () => {
  it("others just took it: a lone call's 503s each wait at most 1 s for its refill, and the third attempt succeeds", async () => {
    const traffic = spentBudget();
    const down = cybridError(503, "down");
    const others = [1, 2].map(() => fakeEngine([down], { maxRetries: 1 }, traffic));
    const othersDone = Promise.all(others.map((other) => start(other)));
    await vi.advanceTimersByTimeAsync(250);
    expect((await othersDone).map((o) => o.error?.attempts)).toEqual([2, 2]); // the reserve's 2

    const lone = fakeEngine([down, down, ok()], {}, traffic);
    const startedAt = Date.now();
    const outcome = start(lone);
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await outcome).value?.attempts).toBe(3);
    // The reserve is back at 1 s after the others took it, and again a second later.
    expect(lone.retries.map((r) => r.delayMs)).toEqual([750, 1_000]);
    expect(lone.sent.map((s) => s.at - startedAt)).toEqual([0, 750, 1_750]);
  });

  it("a storm of failing calls gets one retry per second from it, not a herd at each refill", async () => {
    const traffic = spentBudget();
    const down = cybridError(503, "down");
    // 20 new calls every 100 ms for 5 s: at every refill, many calls want it.
    const calls: Fake[] = [];
    const outcomes: ReturnType<typeof start>[] = [];
    for (let wave = 0; wave < 50; wave++) {
      for (let i = 0; i < 20; i++) {
        const call = fakeEngine([down], {}, traffic);
        calls.push(call);
        outcomes.push(start(call));
      }
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await Promise.all(outcomes)).every((o) => o.error?.status === 503)).toBe(true);
    // When retries went (ms into the storm): the reserve's 2 at once (after their backoff),
    // then each refill to the one call that booked it, the rest refused at once.
    const began = Date.UTC(2026, 0, 1);
    const retriedAt = calls.flatMap((call) => call.sent.slice(1).map((s) => s.at - began));
    expect(retriedAt.sort((a, b) => a - b)).toEqual([
      250, 250, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000,
    ]);
  });

  it("a wait for the reserve that would end past the deadline is refused at once, unbooked", async () => {
    const traffic = spentBudget();
    const budget = traffic.budget as RetryBudget;
    expect([budget.claimRetry(false, 60_000), budget.claimRetry(false, 60_000)]).toEqual([0, 0]);
    const down = cybridError(503, "down");
    // Its backoff (250 ms) fits in its 900 ms, the reserve's refill (1 s) does not.
    const late = fakeEngine([down, ok()], { deadline: 900 }, traffic);
    const startedAt = Date.now();
    expect((await start(late)).error).toMatchObject({ status: 503, attempts: 1 });
    expect(Date.now()).toBe(startedAt); // not after sleeping
    // It did not book that refill: the next call gets it.
    const patient = fakeEngine([down, ok()], {}, traffic);
    const outcome = start(patient);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await outcome).value?.attempts).toBe(2);
    expect(patient.retries.map((r) => r.delayMs)).toEqual([1_000]);
  });
});

describe("the request and what comes back", () => {
  it("JSON or form body, Authorization, no redirect followed; the success with the server's Date", async () => {
    const date = "Thu, 01 Jan 2026 00:00:05 GMT";
    const fake = fakeEngine([ok({ date })]);
    const form: IdpRequest = { ...REQUEST, encoding: "form", authorization: "Basic abc" };
    const { value } = await start(fake, {}, form);
    expect(value).toEqual({
      data: { access_token: "token", expires_in: 1800 },
      sentAt: Date.UTC(2026, 0, 1),
      serverDate: Date.UTC(2026, 0, 1, 0, 0, 5),
      status: 200,
      attempts: 1,
      roundTripMs: 0,
    });
    const [sent] = fake.sent;
    expect(sent?.request.redirect).toBe("manual");
    expect(sent?.request.headers.get("authorization")).toBe("Basic abc");
    expect(sent?.request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(sent?.body).toBe(`grant_type=client_credentials&client_secret=${SECRET}`);

    const plain = fakeEngine([ok({ date: "soon" })]);
    const { value: json } = await start(plain);
    expect(json?.serverDate).toBeUndefined();
    expect(plain.sent[0]?.request.headers.get("content-type")).toBe("application/json");
    expect(plain.sent[0]?.request.headers.has("authorization")).toBe(false);
    expect(JSON.parse(plain.sent[0]?.body ?? "")).toEqual(REQUEST.body);
  });

  it("what the server echoes of the secret is redacted from the error", async () => {
    const fake = fakeEngine([
      json(400, { error: "invalid_client", error_description: `bad ${SECRET}` }),
    ]);
    const { error } = await start(fake);
    expect(error).toBeInstanceOf(CybridIdError);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(error?.message).toContain("bad [redacted]");
  });

  it("a caller's abort ends a retry wait at once, with the caller's reason", async () => {
    const fake = fakeEngine([cybridError(503, "down", { "retry-after": "30" }), ok()]);
    const controller = new AbortController();
    const outcome = start(fake, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(1_000);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    expect((await outcome).error).toBe(reason);
    expect(fake.sent).toHaveLength(1);
    // Aborted before the call, nothing is sent.
    const before = fakeEngine([ok()]);
    expect((await start(before, { signal: AbortSignal.abort(reason) })).error).toBe(reason);
    expect(before.sent).toHaveLength(0);
  });
});
