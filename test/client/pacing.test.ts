/**
 * Pacing over real HTTP against the emulator's rate limit (a sliding window per client and
 * endpoint answering 403 `rate_limited` with Retry-After): a burst of distinct customers is
 * served at the server's pace with no failure and few wasted requests, calls that cannot make
 * their deadline fail fast, an outage cannot multiply the load, and a raised limit is found.
 */
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { CybridIdError, createCybridId, type CybridIdOptions } from "../../src/index.js";
import { clientFor, emulator, sleep } from "../helpers/client-harness.js";
import { recordingSink } from "../helpers/leak-watch.js";

const CUSTOMER_TOKENS = "/api/customer_tokens";
const TOKEN = "/oauth/token";

const guid = (i: number) => i.toString(16).padStart(32, "0");

interface Outcome {
  ok: boolean;
  error?: CybridIdError;
  ms: number;
}

/** Customer tokens for customers `from` .. `from + n - 1`, all at once. */
async function burst(
  cybrid: ReturnType<typeof clientFor>,
  n: number,
  from = 0,
): Promise<{ outcomes: Outcome[]; ms: number }> {
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: n }, async (_, i): Promise<Outcome> => {
      try {
        await cybrid.getCustomerToken({ customerGuid: guid(from + i), scopes: ["accounts:read"] });
        return { ok: true, ms: performance.now() - started };
      } catch (error) {
        return { ok: false, error: error as CybridIdError, ms: performance.now() - started };
      }
    }),
  );
  return { outcomes, ms: performance.now() - started };
}

/** A client with the default deadline (60 s), its warn and debug lines collected. */
function pacedClient(emu: Emulator, overrides: CybridIdOptions = {}) {
  const { sink, lines } = recordingSink();
  const cybrid = clientFor(emu, {
    deadline: 60_000,
    logger: { level: "debug", sink },
    ...overrides,
  });
  return { cybrid, lines };
}

describe("a burst of distinct customers against the rate limit", () => {
  it("N = 400 at R = 40/s: no failure, <= 1.10 N + 10 requests, <= 1.3 N/R", async () => {
    const emu = await emulator({ rateLimit: { max: 40, windowMs: 1_000 } });
    const events: unknown[] = [];
    const { cybrid, lines } = pacedClient(emu, {
      hooks: { onPacingChanged: (event) => events.push(event) },
    });
    await cybrid.getToken();
    const { outcomes, ms } = await burst(cybrid, 400);
    const requests = emu.count(CUSTOMER_TOKENS);
    console.log(`burst N=400 R=40/s: ${Math.round(ms)} ms, ${requests} requests`);
    expect(outcomes.filter((o) => !o.ok).map((o) => o.error?.code)).toEqual([]);
    expect(requests).toBeLessThanOrEqual(450);
    expect(ms).toBeLessThanOrEqual(13_000);
    // One warning when pacing starts, not one per call; the hook and debug logs follow the rate.
    const warnings = lines.filter((line) => line.startsWith("warn "));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${CUSTOMER_TOKENS}: rate limited by the server; pacing to`);
    expect(events[0]).toMatchObject({ endpoint: CUSTOMER_TOKENS, throttled: true });
    expect((events[0] as { ratePerSecond: number }).ratePerSecond).toBeGreaterThan(10);
    expect((events[0] as { ratePerSecond: number }).ratePerSecond).toBeLessThan(60);
  }, 40_000);

  it("a burst that cannot finish within the deadline fails the rest fast, typed, unsent", async () => {
    const emu = await emulator({ rateLimit: { max: 20, windowMs: 1_000 } });
    const { cybrid } = pacedClient(emu, { deadline: 3_000 });
    await cybrid.getToken();
    const { outcomes } = await burst(cybrid, 300);
    const served = outcomes.filter((o) => o.ok).length;
    const failed = outcomes.filter((o) => !o.ok);
    // About 20 at once, then 20/s for the rest of the 3 s.
    expect(served).toBeGreaterThanOrEqual(40);
    expect(served).toBeLessThanOrEqual(90);
    for (const { error } of failed) {
      expect(error).toBeInstanceOf(CybridIdError);
      expect(["RateLimitError", "TimeoutError"]).toContain(error?.name);
      expect(["rate_limited_locally", "rate_limited", "deadline_exceeded"]).toContain(error?.code);
    }
    // Most were refused as soon as the pace showed they could not make it, unsent.
    const fast = failed.filter((o) => o.ms < 1_000 && o.error?.code === "rate_limited_locally");
    expect(fast.length).toBeGreaterThan(failed.length / 2);
    expect(fast.every((o) => o.error?.attempts === 0)).toBe(true);
    // No hammering: the requests are the served ones and a few throttled ones.
    expect(emu.count(CUSTOMER_TOKENS)).toBeLessThanOrEqual(served * 1.1 + 20);
  }, 20_000);

  it("bank tokens with many distinct scope sets are paced the same way", async () => {
    const emu = await emulator({ rateLimit: { max: 20, windowMs: 1_000 } });
    const { cybrid } = pacedClient(emu, { bankTokenCacheSize: 1_000 });
    const reads = ["accounts:read", "banks:read", "customers:read", "counterparties:read"];
    const writes = ["customers:write", "counterparties:write", "transfers:write", "invoices:write"];
    const others = [
      "files:read",
      "invoices:read",
      "executions:read",
      "external_wallets:read",
    ].concat(["plans:read", "prices:read", "quotes:read", "trades:read"]);
    const sets = reads.flatMap((r) => writes.flatMap((w) => others.map((o) => [r, w, o])));
    expect(sets).toHaveLength(128);
    const started = performance.now();
    const results = await Promise.allSettled(sets.map((scopes) => cybrid.getToken({ scopes })));
    const ms = performance.now() - started;
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(emu.count(TOKEN)).toBeLessThanOrEqual(1.1 * 128 + 10);
    expect(ms).toBeLessThanOrEqual(1.3 * (128 / 20) * 1_000 + 500);
  }, 20_000);

  it("after the limit is raised tenfold, a new burst runs at the new pace within seconds", async () => {
    const emu = await emulator({ rateLimit: { max: 20, windowMs: 1_000 } });
    const { cybrid } = pacedClient(emu);
    await cybrid.getToken();
    const first = await burst(cybrid, 100);
    expect(first.outcomes.every((o) => o.ok)).toBe(true);
    emu.configure({ rateLimit: { max: 200, windowMs: 1_000 } });
    const second = await burst(cybrid, 600, 1_000);
    console.log(
      `raised limit: 100 at 20/s in ${Math.round(first.ms)} ms, then 600 in ${Math.round(second.ms)} ms`,
    );
    expect(second.outcomes.every((o) => o.ok)).toBe(true);
    // At the old pace 600 take 30 s; at the new one 3 s. Found within seconds: well under 30.
    expect(second.ms).toBeLessThan(12_000);
  }, 60_000);
});

describe("paced retries", () => {
  it("a server that always throttles: the call ends in its deadline with the server's error, paced", async () => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 403,
      example: "rate_limited",
      headers: { "retry-after-ms": "50" },
      times: Infinity,
    });
    const { cybrid } = pacedClient(emu, { deadline: 3_000 });
    const started = performance.now();
    const error = await cybrid.getToken().catch((e: unknown) => e as CybridIdError);
    // It kept its turn in the pace until the deadline left no slot, rather than give up after
    // maxRetries quick retries.
    expect(performance.now() - started).toBeGreaterThan(1_500);
    expect(performance.now() - started).toBeLessThan(3_500);
    expect(error).toMatchObject({ name: "RateLimitError", status: 403, code: "rate_limited" });
    // Paced at the floor rate (0.5/s) after the first throttle, not every 50 ms.
    expect(emu.count(TOKEN)).toBeGreaterThanOrEqual(3);
    expect(emu.count(TOKEN)).toBeLessThanOrEqual(4);
  });
});

describe("an outage", () => {
  it("300 concurrent calls during 4 s of 503: <= 380 requests; afterwards retries and new calls work", async () => {
    const emu = await emulator();
    const { cybrid } = pacedClient(emu);
    await cybrid.getToken();
    emu.inject({ path: CUSTOMER_TOKENS, status: 503, example: "unavailable", times: Infinity });
    const started = Date.now();
    const during = burst(cybrid, 300);
    await sleep(4_000 - (Date.now() - started));
    emu.clearFaults();
    const { outcomes } = await during;
    const outageRequests = emu.count(CUSTOMER_TOKENS);
    console.log(
      `outage: ${outageRequests} requests for 300 calls, ${outcomes.filter((o) => o.ok).length} served`,
    );
    expect(outageRequests).toBeLessThanOrEqual(380);
    for (const { error } of outcomes.filter((o) => !o.ok)) {
      expect(error).toMatchObject({ name: "ServerError", status: 503 });
    }

    // The budget is spent, yet one call's ordinary retries are not starved: two 503s, then 200.
    emu.inject({ path: CUSTOMER_TOKENS, status: 503, example: "unavailable", times: 2 });
    const single = await cybrid.createCustomerToken({
      customerGuid: guid(5_000),
      scopes: ["accounts:read"],
    });
    expect(single.accessToken).toBeTruthy();
    const attempts = emu.requests.filter((r) => r.path === CUSTOMER_TOKENS).length - outageRequests;
    expect(attempts).toBe(3);

    const after = await burst(cybrid, 100, 10_000);
    expect(after.outcomes.every((o) => o.ok)).toBe(true);
  }, 30_000);
});

describe("pacing options", () => {
  it.each([
    [{ pacing: "off" }, "pacing must be false or { maxInFlight }"],
    [{ pacing: { maxInFlight: 0 } }, "pacing.maxInFlight must be an integer from 1"],
    [{ pacing: { maxInFlight: 1.5 } }, "pacing.maxInFlight must be an integer from 1"],
    [{ retryBudget: -1 }, "retryBudget must be an integer from 0"],
    [{ retryBudget: "250" }, "retryBudget must be an integer from 0"],
  ])("%j is a ValidationError before anything is sent", (options, message) => {
    const make = () =>
      createCybridId({
        baseUrl: "http://127.0.0.1:9",
        clientId: "client",
        clientSecret: "a-secret-of-some-length",
        ...(options as CybridIdOptions),
      });
    expect(make).toThrow(expect.objectContaining({ code: "invalid_configuration" }));
    expect(make).toThrow(message);
  });

  it("pacing: false and retryBudget: false are accepted", () => {
    expect(() =>
      createCybridId({
        baseUrl: "http://127.0.0.1:9",
        clientId: "client",
        clientSecret: "a-secret-of-some-length",
        pacing: false,
        retryBudget: false,
      }),
    ).not.toThrow();
  });
});
