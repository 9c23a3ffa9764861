/**
 * The IdP pipeline: one POST to the identity provider, start to end, read top to bottom.
 *
 *   pace      a send slot from the endpoint's pacer (src/pacing), within the call's deadline
 *   attempt   openapi-fetch, body read up to a bound (bounded-body.ts), redirects not followed,
 *             a per-attempt timeout cut short by the deadline
 *   classify  success | redirect refused | not a JSON object | HTTP error | transport failure
 *   decide    the one retry decision (`retryWait`): retried or final, and how long to wait
 *   wait      then attempt again, or throw the typed error, redacted
 *
 * Nobody else bounds total retry time; a deadline is what makes retries safe to enable by
 * default. `Engine` is what the token requests share: the transport, the resolved options,
 * logging, hooks and pacing. The client secret is not here: it lives in the bank-token
 * request's closure only.
 */
import type { Client } from "openapi-fetch";
import { permissionCodes, rateLimitCodes } from "../../generated/error-codes.js";
import type { paths } from "../../generated/openapi.js";
import {
  ConnectionError,
  CybridIdError,
  InvalidResponseError,
  RateLimitError,
  TimeoutError,
} from "../errors/cybrid-id-error.js";
import { excerptOf, parseErrorBody, requestIdOf } from "../errors/error-body.js";
import { ERROR_CODES } from "../errors/error-codes.js";
import { errorFromResponse } from "../errors/error-from-response.js";
import { redactError } from "../errors/redact-error.js";
import { transportError } from "../errors/transport-error.js";
import type { Logger } from "../log/logger.js";
import type { Redactor } from "../log/redactor.js";
import type { BodyEncoding, ResolvedOptions } from "../config/options.js";
import type { SendSlot } from "../pacing/pacer.js";
import type { TrafficControl } from "../pacing/traffic-control.js";
import { backoffDelay } from "../retry/backoff.js";
import { parseHttpDate } from "../retry/http-date.js";
import { retryAfterMs } from "../retry/retry-after.js";
import { attemptSignal, monotonicNow, sleep } from "../retry/timers.js";
import { boundedBody } from "./bounded-body.js";

export interface IdpRequest {
  /** e.g. "POST /oauth/token", for messages. */
  operation: string;
  path: string;
  body: Record<string, unknown>;
  encoding: BodyEncoding;
  /** The full Authorization header value, when the call needs one. */
  authorization?: string | undefined;
}

export interface IdpSuccess {
  data: Record<string, unknown>;
  /** When the request was sent (ms since epoch): token lifetimes count from here. */
  sentAt: number;
  /**
   * The response's `Date` header (ms since epoch; whole seconds), when it had a valid one:
   * the server's clock, which token lifetimes may be anchored to. Browsers hide it from
   * cross-origin responses unless the server exposes it.
   */
  serverDate?: number | undefined;
  status: number;
}

export interface Engine {
  api: Client<paths>;
  options: ResolvedOptions;
  logger: Logger;
  redactor: Redactor;
  /** Pacing and the retry budget; absent, attempts go out unpaced and retries are not budgeted. */
  traffic?: TrafficControl | undefined;
}

/**
 * A POST to the IdP, paced, retried by `retryWait`; what it throws is typed and redacted.
 * `deadlineAt` (on `monotonicNow()`'s clock) is the deadline of the token fetch it is part of,
 * fixed when that started (time spent waiting on a shared store or a bank token has gone from
 * it); without one, `deadline` from now. `roundTripMs` is the successful attempt's.
 */
export async function sendToIdp(
  engine: Engine,
  request: IdpRequest,
  call: { signal?: AbortSignal | undefined; background?: boolean; deadlineAt?: number },
): Promise<IdpSuccess & { attempts: number; roundTripMs: number }> {
  const { api, options, logger, redactor, traffic } = engine;
  const { maxRetries, timeout, deadline, backoff } = options.retry;
  const { operation } = request;
  const form = request.encoding === "form";
  const { signal } = call;
  const pacer = traffic?.pacer(request.path);
  const budget = traffic?.budget;
  const deadlineAt = call.deadlineAt ?? monotonicNow() + deadline;
  /** Retries that counted against maxRetries (a paced retry after a throttle does not). */
  let retries = 0;
  let lastError: CybridIdError | undefined;

  /**
   * The one retry decision, after a failed attempt: the wait before the next one in ms, or
   * undefined when `error` is final. In order:
   * 1. A body the SDK cannot use (InvalidResponseError: a redirect, not JSON, too large): final,
   *    whatever the server says.
   * 2. `x-should-retry: true|false` from the server decides (Stainless convention).
   * 3. Else retried: connection failures, timeouts, the rate limit (429, or a token endpoint's
   *    rate-limit 403: see RATE_LIMIT_CODES), 408, 500, 502, 503, 504. Nothing else.
   * 4. At most maxRetries retries, but `paced` (a throttled attempt under pacing) uses none: it
   *    waits for its turn in the pace, which holds every send until Retry-After: wait 0 here.
   * 5. Else the wait is the server's Retry-After, or the backoff.
   * 6. A wait past the deadline, the server's or ours, is final at once: better now than after
   *    sleeping.
   * 7. The retry budget must pay for it, or it is final: an outage cannot multiply the load.
   *    When it pays with a booked refill of its reserve, the wait is at least until then.
   */
  function retryWait(
    error: CybridIdError,
    shouldRetry: string | null,
    paced: boolean,
  ): number | undefined {
    const { status, retryAfter } = error;
    const retriable =
      !(error instanceof InvalidResponseError) &&
      (shouldRetry === "true" ||
        (shouldRetry !== "false" &&
          (error instanceof ConnectionError ||
            error instanceof TimeoutError ||
            error instanceof RateLimitError ||
            [408, 500, 502, 503, 504].includes(status as number))));
    if (!paced) retries++;
    if (!retriable || retries > maxRetries) return undefined;
    const wait = paced ? 0 : (retryAfter ?? backoffDelay(retries - 1, backoff));
    const left = deadlineAt - monotonicNow();
    if (wait >= left || (retryAfter ?? 0) > left) return undefined;
    const turn = budget ? budget.claimRetry(error instanceof TimeoutError, left) : 0;
    return turn === undefined ? undefined : Math.max(wait, turn);
  }

  try {
    for (let attempts = 1; ; attempts++) {
      // Pace. Refused a slot before the deadline, the last attempt's error says more (a
      // status, the server's Retry-After) than the local refusal.
      signal?.throwIfAborted();
      // A deadline the caller gave may be gone before the first attempt (a customer token's
      // bank token came just in time): nothing is sent with no time left to answer.
      if (monotonicNow() >= deadlineAt) {
        throw lastError ?? transportError(operation, undefined, true, true);
      }
      let slot: SendSlot | undefined;
      try {
        slot = await pacer?.acquire(deadlineAt, signal, attempts > 1, call.background);
      } catch (refused) {
        if (!(refused instanceof CybridIdError)) throw refused; // the caller's abort
        refused.attempts = attempts - 1;
        throw lastError ?? refused;
      }

      // Attempt, and classify.
      // The token's anchor is on the wall clock (servers share it); durations on the monotonic.
      const sentAt = Date.now();
      const attemptStartedAt = monotonicNow();
      const left = deadlineAt - attemptStartedAt;
      const attempt = attemptSignal(signal, Math.max(1, Math.min(timeout, left)));
      let shouldRetry: string | null = null;
      // The path is an option (other providers use /v1/oauth/token); the types know Cybrid's.
      const result = await api
        .request("post", request.path as "/oauth/token", {
          body: request.body as never,
          // openapi-fetch leaves out the headers that are undefined.
          headers: {
            accept: "application/json",
            authorization: request.authorization,
            "content-type": form ? "application/x-www-form-urlencoded" : undefined,
          },
          bodySerializer: form ? (body) => new URLSearchParams(body).toString() : undefined,
          signal: attempt.signal,
          // The body carries the client secret or a bearer token: a 307/308 must not make fetch
          // send it again to wherever Location points (even from https to http). Refused below.
          redirect: "manual",
          parseAs: "text",
          middleware: [boundedBody(operation, redactor)],
        })
        .then(
          (answer): IdpSuccess | CybridIdError => {
            shouldRetry = answer.response.headers.get("x-should-retry");
            return classify(operation, answer, sentAt, redactor);
          },
          (thrown: unknown) => transportError(operation, thrown, attempt.timedOut, left < timeout),
        )
        .finally(attempt.release); // the body is read by now (parseAs: "text")
      const failed = result instanceof CybridIdError;
      slot?.release({
        success: !failed,
        throttled: result instanceof RateLimitError,
        retryAfter: failed ? result.retryAfter : undefined,
      });
      if (!failed) {
        budget?.recordSuccess();
        return { ...result, attempts, roundTripMs: monotonicNow() - attemptStartedAt };
      }
      signal?.throwIfAborted(); // the caller's reason, not what the abort did to the attempt

      // Decide, then wait, or throw.
      result.attempts = attempts;
      lastError = result;
      const paced = result instanceof RateLimitError && pacer !== undefined;
      const wait = retryWait(result, shouldRetry, paced);
      if (wait === undefined) throw result;
      const { status, code } = result;
      // A paced retry waits for its turn in the pace, after the reserve's refill if it booked one.
      const when = `${wait > 0 ? ` in ${wait} ms` : ""}${paced ? ", waiting for its turn in the pace" : ""}`;
      logger.log("info", `${operation}: ${status ?? code}, retry ${attempts}${when}`);
      options.hooks.onRetryScheduled?.({
        operation,
        retry: attempts,
        delayMs: wait,
        status,
        code,
        paced,
      });
      if (wait > 0) await sleep(wait, signal, call.background);
    }
  } catch (error) {
    // A server may echo what it was sent, a custom fetch may throw it: see redact-error.ts.
    // A caller's own abort reason is theirs, and goes back untouched.
    throw error instanceof CybridIdError ? redactError(error, redactor) : error;
  }
}

/**
 * The codes that make a token endpoint's 403 its rate limit (retried), and those that make it a
 * permission problem (not retried, whatever its Retry-After says): the spec's own (generated from
 * its marked examples), plus the names other token providers give the same answers (RFC 6749's
 * errors, common throttling codes). A 403 with neither is the rate limit when it comes with a
 * Retry-After.
 */
const RATE_LIMIT_CODES: readonly (string | undefined)[] = [
  ...rateLimitCodes,
  "rate_limit_exceeded",
  "throttled",
];
const PERMISSION_CODES: readonly (string | undefined)[] = [
  ...permissionCodes,
  "invalid_scope",
  "unauthorized_client",
];

/** What openapi-fetch answered, as the parsed success or the typed error it is. */
function classify(
  operation: string,
  { data, error, response }: { data?: unknown; error?: unknown; response: Response },
  sentAt: number,
  redactor: Redactor,
): IdpSuccess | CybridIdError {
  const { status, headers } = response;
  const requestId = requestIdOf(headers, redactor);
  // A 3xx, or the `opaqueredirect` (status 0) a browser's fetch gives in manual mode. The
  // message names the target's origin only: Location may carry userinfo or a secret query.
  if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
    let target = "an unknown origin";
    const location = headers.get("location");
    try {
      if (location !== null) target = new URL(location, response.url || undefined).origin;
    } catch {
      // an unparseable Location: keep the generic wording
    }
    return new InvalidResponseError(
      `${operation} answered ${status || "a redirect"} to ${target}; redirects are not followed`,
      { code: ERROR_CODES.REDIRECT_REFUSED, status: status || undefined, requestId },
    );
  }
  if (response.ok) {
    const text = (data ?? "") as string; // undefined when empty
    try {
      const body: unknown = JSON.parse(text);
      if (body !== null && typeof body === "object" && !Array.isArray(body)) {
        const serverDate = parseHttpDate(headers.get("date") ?? "");
        return { data: body as Record<string, unknown>, sentAt, serverDate, status };
      }
    } catch {
      // not JSON: reported below with an excerpt
    }
    const bodyExcerpt = excerptOf(text, redactor);
    return new InvalidResponseError(
      `${operation} answered ${status} with no JSON object: ${bodyExcerpt}`,
      { code: ERROR_CODES.INVALID_RESPONSE, status, requestId, bodyExcerpt },
    );
  }
  const parsed = parseErrorBody(error, redactor);
  const retryAfter = retryAfterMs(headers);
  return errorFromResponse({
    operation,
    status,
    parsed,
    requestId,
    retryAfter,
    rateLimited:
      status === 403 &&
      (RATE_LIMIT_CODES.includes(parsed.code) ||
        (retryAfter !== undefined && !PERMISSION_CODES.includes(parsed.code))),
    attempts: 0,
  });
}
