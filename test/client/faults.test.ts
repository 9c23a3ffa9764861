/**
 * The fault-injection suite: each fault injected at the emulator, over real HTTP, with the
 * outcome, the attempt count (as the emulator saw it) and the elapsed time asserted.
 * Settings (client-harness): 3 attempts, backoff 20-100 ms, 2 s per attempt, 5 s deadline.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";

const TOKEN = "/oauth/token";

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

const httpDate = (msFromNow: number) => new Date(Date.now() + msFromNow).toUTCString();

describe("retried statuses", () => {
  it.each([500, 502, 503, 504, 429, 408])("%i twice, then success: 3 attempts", async (status) => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status,
      body: { status, error_message: "boom", message_code: "boom" },
      times: 2,
    });
    const { value } = await timed(() => clientFor(emu).getToken());
    expect(value.accessToken).toBeTruthy();
    expect(emu.count(TOKEN)).toBe(3);
    expect(emu.requests[2]?.body).toEqual(emu.requests[0]?.body); // the body is replayed whole
  });

  const waits = [
    ["Retry-After seconds", () => ({ "retry-after": "1" }), 950, 2_500],
    ["Retry-After date", () => ({ "retry-after": httpDate(1_500) }), 450, 2_500],
    ["retry-after-ms", () => ({ "retry-after-ms": "300" }), 280, 1_500],
  ] as const;
  const withWaits = [500, 502, 503, 504].flatMap((status) =>
    waits.map(
      ([name, headers, atLeast, atMost]) => [status, name, headers, atLeast, atMost] as const,
    ),
  );
  it.each(withWaits)(
    "%i with %s: the wait is obeyed",
    async (status, _, headers, atLeast, atMost) => {
      const emu = await emulator();
      emu.inject({
        path: TOKEN,
        status,
        body: { status, error_message: "x", message_code: "x" },
        headers: headers(),
      });
      const { ms } = await timed(() => clientFor(emu).getToken());
      expect(emu.count(TOKEN)).toBe(2);
      expect(ms).toBeGreaterThanOrEqual(atLeast);
      expect(ms).toBeLessThan(atMost);
    },
  );

  it("503 with a Retry-After that is no HTTP date ('soon 2030'): ignored, retried with backoff", async () => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, status: 503, headers: { "retry-after": "soon 2030" } });
    const { value, ms } = await timed(() => clientFor(emu).getToken());
    expect(value.accessToken).toBeTruthy();
    expect(emu.count(TOKEN)).toBe(2);
    expect(ms).toBeLessThan(1_500); // backoff is 20-100 ms here
  });

  it("5xx on every attempt: ServerError after 3 attempts, with the provider's errorId", async () => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, status: 503, example: "non_working_hours", times: Infinity });
    const { value: error, ms } = await timed(() => rejectionOf(clientFor(emu).getToken()));
    expect(error.name).toBe("ServerError");
    expect(error.status).toBe(503);
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(error.errorId).toBeTruthy();
    expect(error.requestId).toBeTruthy();
    expect(error.attempts).toBe(3);
    expect(emu.count(TOKEN)).toBe(3);
    expect(ms).toBeLessThan(1_000);
  });

  it("403 rate limit on the token endpoint is retried, then a RateLimitError with retryAfter", async () => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 403,
      example: "rate_limited",
      headers: { "retry-after-ms": "50" },
      times: Infinity,
    });
    // Unpaced, throttled attempts count in maxRetries (paced: see pacing.test.ts).
    const error = await rejectionOf(clientFor(emu, { pacing: false }).getToken());
    expect(error.name).toBe("RateLimitError");
    expect(error.status).toBe(403);
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfter).toBe(50);
    expect(emu.count(TOKEN)).toBe(3);
  });

  it("the real rate limit of the emulator is ridden out with Retry-After", async () => {
    const emu = await emulator({ rateLimit: { max: 1, windowMs: 300 } });
    const cybrid = clientFor(emu);
    await cybrid.getToken({ scopes: ["accounts:read"] });
    const { ms } = await timed(() => cybrid.getToken({ scopes: ["trades:read"] }));
    expect(emu.requests.map((r) => r.status)).toEqual([200, 403, 200]);
    expect(ms).toBeGreaterThanOrEqual(250);
  });
});

describe("not retried", () => {
  it.each([
    [
      403,
      {
        status: 403,
        error_message: "Invalid scopes. Required: customers:write",
        message_code: "invalid_scopes",
      },
      "PermissionDeniedError",
      "invalid_scopes",
    ],
    [
      403,
      { status: 403, error_message: "Forbidden", message_code: "forbidden" },
      "PermissionDeniedError",
      "forbidden",
    ],
    [409, { errorId: "e-409", code: "CONFLICT", text: "Conflict" }, "ConflictError", "CONFLICT"],
    [
      422,
      { status: 422, error_message: "nope", message_code: "no_customer" },
      "UnprocessableEntityError",
      "no_customer",
    ],
    [
      400,
      { error: "invalid_request", error_description: "missing" },
      "BadRequestError",
      "invalid_request",
    ],
  ])("%i %o", async (status, body, name, code) => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, status, body, headers: { "retry-after": "1" } });
    const { value: error, ms } = await timed(() => rejectionOf(clientFor(emu).getToken()));
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.attempts).toBe(1);
    expect(emu.count(TOKEN)).toBe(1);
    expect(ms).toBeLessThan(900); // obeying the Retry-After would take 1 s
  });

  it("a Retry-After beyond the deadline fails at once, carrying retryAfter", async () => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 429,
      example: "too_many_requests",
      headers: { "retry-after": "30" },
    });
    const { value: error, ms } = await timed(() => rejectionOf(clientFor(emu).getToken()));
    expect(error.name).toBe("RateLimitError");
    expect(error.retryAfter).toBe(30_000);
    expect(emu.count(TOKEN)).toBe(1);
    expect(ms).toBeLessThan(3_000); // waiting first would take 30 s
  });

  it("x-should-retry: false wins over a retried status, true over a final one", async () => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 503,
      example: "unavailable",
      headers: { "x-should-retry": "false" },
    });
    expect((await rejectionOf(clientFor(emu).getToken())).attempts).toBe(1);
    emu.resetLog();
    emu.inject({
      path: TOKEN,
      status: 400,
      body: { error: "invalid_request" },
      headers: { "x-should-retry": "true" },
    });
    await clientFor(emu).getToken();
    expect(emu.count(TOKEN)).toBe(2);
  });
});

describe("transport faults", () => {
  it("a reset connection is retried", async () => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, reset: true });
    await clientFor(emu).getToken();
    expect(emu.count(TOKEN)).toBe(2);
  });

  it("a refused connection: ConnectionError after 3 attempts", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const emu = await emulator();
    const { value: error, ms } = await timed(() =>
      rejectionOf(clientFor(emu, { baseUrl: `http://127.0.0.1:${port}` }).getToken()),
    );
    expect(error.name).toBe("ConnectionError");
    expect(error.code).toBe("connection_failed");
    expect(error.attempts).toBe(3);
    expect(ms).toBeLessThan(1_000);
  });

  it("a hang: each attempt times out, TimeoutError after 3 attempts", async () => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, hang: true, times: Infinity });
    const { value: error, ms } = await timed(() =>
      rejectionOf(clientFor(emu, { timeout: 200 }).getToken()),
    );
    expect(error.name).toBe("TimeoutError");
    expect(error.code).toBe("timeout");
    expect(error.attempts).toBe(3);
    expect(emu.count(TOKEN)).toBe(3);
    expect(ms).toBeGreaterThanOrEqual(600);
    expect(ms).toBeLessThan(2_500); // without the timeout, a hang lasts forever
  });

  it("a hang: the deadline bounds all attempts together", async () => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, hang: true, times: Infinity });
    const { value: error, ms } = await timed(() =>
      rejectionOf(clientFor(emu, { timeout: 400, deadline: 600, maxRetries: 10 }).getToken()),
    );
    expect(error.name).toBe("TimeoutError");
    expect(error.code).toBe("deadline_exceeded");
    expect(ms).toBeGreaterThanOrEqual(590);
    expect(ms).toBeLessThan(1_500); // without the deadline: 11 attempts of 400 ms
    expect(emu.count(TOKEN)).toBe(2);
  });

  it("a slow body past the timeout is a timeout; within it, a success", async () => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, slowBodyMs: 1_000, times: Infinity });
    const error = await rejectionOf(clientFor(emu, { timeout: 250, maxRetries: 0 }).getToken());
    expect(error.name).toBe("TimeoutError");
    emu.clearFaults();
    emu.inject({ path: TOKEN, slowBodyMs: 100 });
    expect((await clientFor(emu).getToken()).accessToken).toBeTruthy();
  });

  it("a caller's AbortSignal stops a retry wait at once", async () => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 503,
      example: "unavailable",
      headers: { "retry-after": "3" },
      times: Infinity,
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const { value: error, ms } = await timed(() =>
      rejectionOf(clientFor(emu).getToken({ signal: controller.signal })),
    );
    expect(error.name).toBe("AbortError"); // the caller's own reason, as fetch does
    expect(emu.count(TOKEN)).toBe(1);
    expect(ms).toBeLessThan(2_000); // the Retry-After wait it cuts short is 3 s
  });
});

describe("bodies the SDK cannot use", () => {
  it.each([
    ["malformed JSON", '{"access_token": ', '{"access_token":'],
    ["HTML", "<html><body>Gateway says hi</body></html>", "<html><body>Gateway"],
    ["an empty body", "", "(empty body)"],
  ])("200 with %s: InvalidResponseError with an excerpt, not retried", async (_, body, excerpt) => {
    const emu = await emulator();
    emu.inject({ path: TOKEN, status: 200, body });
    const { value: error, ms } = await timed(() => rejectionOf(clientFor(emu).getToken()));
    expect(ms).toBeLessThan(500);
    expect(error.name).toBe("InvalidResponseError");
    expect(error.bodyExcerpt).toContain(excerpt);
    expect(emu.count(TOKEN)).toBe(1);
  });

  it("502 with an HTML page: retried, then ServerError with an excerpt", async () => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 502,
      body: "<html><h1>502 Bad Gateway</h1></html>",
      times: Infinity,
    });
    const { value: error, ms } = await timed(() => rejectionOf(clientFor(emu).getToken()));
    expect(ms).toBeLessThan(1_000); // two backoffs of at most 20 and 40 ms
    expect(error.attempts).toBe(3);
    expect(error.name).toBe("ServerError");
    expect(error.code).toBe("http_502");
    expect(error.bodyExcerpt).toContain("502 Bad Gateway");
    expect(emu.count(TOKEN)).toBe(3);
  });

  it("a token without a usable expires_in is cached for the documented fallback", async () => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 200,
      body: { access_token: "opaque-token-value", token_type: "Bearer", expires_in: 0 },
    });
    const cybrid = clientFor(emu);
    const token = await cybrid.getToken();
    await cybrid.getToken();
    expect(emu.count(TOKEN)).toBe(1);
    const lifetime = token.expiresAt.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(55_000);
    expect(lifetime).toBeLessThanOrEqual(60_000);
  });
});
