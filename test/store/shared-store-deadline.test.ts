/**
 * One deadline per slot fetch, shared by the wait on the store and the HTTP requests after it:
 * the token cache, the fleet protocol and the IdP pipeline as a client wires them, over a
 * scripted store and a fake fetch, on fake timers. Math.random is pinned to 0, so the polls for
 * another process's token come at 0, 12, 37, 87, 187, 312 ms...
 */
import createClient from "openapi-fetch";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { fakeAbortSignalTimeout } from "../helpers/fake-abort-timeout.js";
import type { paths } from "../../generated/openapi.js";
import { resolveOptions } from "../../src/config/options.js";
import type { TokenStore } from "../../src/config/token-store.js";
import { TimeoutError } from "../../src/errors/cybrid-id-error.js";
import { ERROR_CODES } from "../../src/errors/error-codes.js";
import { createLogger } from "../../src/log/logger.js";
import { createRedactor } from "../../src/log/redactor.js";
import type { Engine } from "../../src/pipeline/idp-pipeline.js";
import { createSharedStore } from "../../src/store/shared-store.js";
import { createTokenCache } from "../../src/token/token-cache.js";

const GUID = "0123456789abcdef0123456789abcdef";

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, "random").mockReturnValue(0);
  fakeAbortSignalTimeout();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/**
 * A client's token cache over `store` (deadline 1 s, 10 s per attempt) and a fetch that answers
 * a bank token request at once, unless its path is `stuck`: that one never answers (it ends
 * when the attempt is aborted). `sentAt` lists when each path was sent.
 */
function cacheOver(store: TokenStore, stuck: string) {
  const sentAt: Record<string, number> = {};
  const fetch = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    sentAt[pathname] = Date.now();
    if (pathname !== stuck) {
      return new Response(JSON.stringify({ access_token: "bank-token", expires_in: 1800 }), {
        headers: { "content-type": "application/json" },
      });
    }
    return new Promise((_, reject) =>
      request.signal.addEventListener("abort", () => reject(request.signal.reason)),
    );
  };
  const { resolved, clientSecret } = resolveOptions({
    baseUrl: "https://id.example.test",
    clientId: "client",
    clientSecret: "a-long-enough-secret",
    deadline: 1_000,
    timeout: 10_000,
    logger: { level: "error", sink: { debug() {}, info() {}, warn() {}, error() {} } },
  });
  const logger = createLogger(resolved.logLevel, resolved.logSink, (text) => text);
  const redactor = createRedactor();
  const engine: Engine = {
    api: createClient<paths>({ baseUrl: resolved.baseUrl, fetch }),
    options: resolved,
    logger,
    redactor,
  };
  const shared = createSharedStore({
    store,
    timeoutMs: 250,
    lockTtlMs: 10_000,
    namespace: async () => ["https://id.example.test", "client", "tag"],
    logger,
    redactor,
    hooks: {},
  });
  return { cache: createTokenCache(engine, clientSecret, shared), sentAt };
}

it.each([
  ["bank", "/oauth/token"],
  ["customer", "/api/customer_tokens"],
])(
  "%s token: the store wait took 312 ms of the 1 s deadline; its request gets the 688 ms left and fails at 1 s",
  async (kind, stuck) => {
    const start = Date.now();
    // Another process holds this kind's lock for 300 ms and stores nothing; the rest is free.
    const store: TokenStore = {
      get: async () => undefined,
      set: async () => undefined,
      acquire: async (key) => !key.includes(`"${kind}"`) || Date.now() >= start + 300,
      release: async () => undefined,
    };
    const { cache, sentAt } = cacheOver(store, stuck);
    const fetched =
      kind === "bank"
        ? cache.bank.get()
        : cache.customers.get({ customerGuid: GUID, scopes: ["accounts:read"] });
    let outcome: unknown;
    void fetched.then(
      (token) => (outcome = token),
      (error: unknown) => (outcome = error),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(sentAt[stuck]).toBe(start + 312); // the first poll past the 300 ms took the lock
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ code: ERROR_CODES.DEADLINE_EXCEEDED, attempts: 1 });
  },
);
