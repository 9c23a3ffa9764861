/**
 * The token cache's unit tests' IdP: `sendToIdp` (mocked by each test file with
 * `vi.mock("../../src/pipeline/idp-pipeline.js", () => ({ sendToIdp: vi.fn() }))`) becomes a
 * fake whose answers the test gives, one per request, under vitest's fake clock.
 */
import { afterEach, beforeEach, vi } from "vitest";
import { createLogger, type LogSink } from "../../src/log/logger.js";
import { createRedactor } from "../../src/log/redactor.js";
import { resolveOptions, type CybridIdOptions } from "../../src/config/options.js";
import {
  sendToIdp,
  type Engine,
  type IdpRequest,
  type IdpSuccess,
} from "../../src/pipeline/idp-pipeline.js";
import type { SharedStore } from "../../src/token/issued-token.js";
import { createTokenCache } from "../../src/token/token-cache.js";

export const GUID = "0123456789abcdef0123456789abcdef";

export interface SentRequest {
  request: IdpRequest;
  background: boolean | undefined;
  /** The deadline the caller gave (ms since epoch), if any. */
  deadlineAt: number | undefined;
  /** Answers the request: a token (60 s, from now) or an error. */
  answer(token: string | Error): void;
}

/** A log sink that keeps the lines as `level message`. */
const sinkOf = (into: string[]) =>
  Object.fromEntries(
    ["debug", "info", "warn", "error"].map((level) => [
      level,
      (line: string) => into.push(`${level} ${line}`),
    ]),
  ) as unknown as LogSink;

/**
 * Installs the fake for each test of the calling file: `sent` lists the requests in order,
 * `lines` the log lines, and `cacheWith` makes a cache on an engine with these options.
 */
export function useFakeIdp() {
  const idp = {
    sent: [] as SentRequest[],
    lines: [] as string[],
    cacheWith(overrides: CybridIdOptions = {}, shared?: SharedStore) {
      const { resolved, clientSecret } = resolveOptions({
        clientId: "client",
        clientSecret: "a-long-enough-secret",
        scopes: ["accounts:read"],
        logger: { level: "debug", sink: sinkOf(idp.lines) },
        ...overrides,
      } as CybridIdOptions);
      const engine: Engine = {
        api: undefined as never,
        options: resolved,
        logger: createLogger(resolved.logLevel, resolved.logSink, (text) => text),
        redactor: createRedactor(),
      };
      return createTokenCache(engine, clientSecret, shared);
    },
    /** Lets the fake's answers travel through the cache's promise chains. */
    settle: () => vi.advanceTimersByTimeAsync(0),
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse("2026-01-01T00:00:00Z") });
    idp.sent.length = 0;
    idp.lines.length = 0;
    vi.mocked(sendToIdp).mockImplementation(
      (_engine, request, call) =>
        new Promise<IdpSuccess & { attempts: number; roundTripMs: number }>((resolve, reject) => {
          idp.sent.push({
            request,
            background: call.background,
            deadlineAt: call.deadlineAt,
            answer: (token) =>
              token instanceof Error
                ? reject(token)
                : resolve({
                    data: { access_token: token, token_type: "Bearer", expires_in: 60 },
                    sentAt: Date.now(),
                    status: 200,
                    attempts: 1,
                    roundTripMs: 0,
                  }),
          });
        }),
    );
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  return idp;
}
