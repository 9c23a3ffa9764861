/**
 * One attempt of a POST to the identity provider through openapi-fetch, turned into an
 * `AttemptResult`: the parsed JSON on success, a typed error and a retry decision otherwise.
 */
import type { Client } from "openapi-fetch";
import type { paths } from "../../generated/openapi.js";
import { InvalidResponseError } from "../errors/cybrid-id-error.js";
import { excerptOf, parseErrorBody, requestIdOf } from "../errors/error-body.js";
import { ERROR_CODES } from "../errors/error-codes.js";
import { errorFromResponse } from "../errors/error-from-response.js";
import type { Redactor } from "../log/redactor.js";
import type { AttemptResult } from "../retry/attempt-loop.js";
import { retryAfterMs } from "../retry/retry-after.js";
import { parseHttpDate } from "../retry/http-date.js";
import { isRateLimit403, isRetriableStatus, shouldRetryHeader } from "../retry/retry-policy.js";
import { boundedBody } from "./bounded-body.js";

/** How a request body is encoded: JSON (Cybrid's docs) or RFC 6749 form encoding. */
export type BodyEncoding = "json" | "form";

export interface IdpRequest {
  /** e.g. "POST /oauth/token", for messages. */
  operation: string;
  path: string;
  body: Record<string, unknown>;
  encoding: BodyEncoding;
  /** The full Authorization header value, when the call needs one. */
  authorization?: string | undefined;
  /** Token endpoints answer 403 when rate limited; elsewhere a 403 is a permission problem. */
  rateLimitedBy403: boolean;
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

const formSerializer = (body: Record<string, unknown>) =>
  new URLSearchParams(body as Record<string, string>).toString();

/**
 * A redirect answer (3xx, or the `opaqueredirect` a browser's fetch gives in manual mode) as
 * the typed error it is. The message names the target's origin only: Location may carry
 * userinfo or a query with something secret in it.
 */
function refusedRedirect(
  operation: string,
  response: Response,
  requestId: string | undefined,
): InvalidResponseError | undefined {
  const isRedirect =
    response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
  if (!isRedirect) return undefined;
  let target = "an undisclosed location";
  try {
    const location = response.headers.get("location");
    if (location !== null) target = new URL(location, response.url || undefined).origin;
  } catch {
    // an unparseable Location: keep the generic wording
  }
  return new InvalidResponseError(
    `${operation} answered ${response.status || "a redirect"} to ${target}; ` +
      "redirects are not followed, so that credentials go to one origin only",
    { code: ERROR_CODES.REDIRECT_REFUSED, status: response.status || undefined, requestId },
  );
}

export async function postToIdp(
  api: Client<paths>,
  request: IdpRequest,
  signal: AbortSignal,
  /** What the server says goes into errors redacted by it (and only then cut to size). */
  redactor: Redactor,
): Promise<AttemptResult<IdpSuccess>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.authorization) headers.authorization = request.authorization;
  if (request.encoding === "form") headers["content-type"] = "application/x-www-form-urlencoded";
  const sentAt = Date.now();
  // The path is an option (other providers use /v1/oauth/token); the types know Cybrid's.
  const { data, error, response } = await api.request("post", request.path as "/oauth/token", {
    body: request.body as never,
    headers,
    signal,
    // The body carries the client secret or a bearer token: a 307/308 must not make fetch send
    // it again to wherever Location points (even from https to http). Refused below instead.
    redirect: "manual",
    parseAs: "text",
    // At most MAX_RESPONSE_BYTES are read, of success and error bodies alike.
    middleware: [boundedBody(request.operation, redactor)],
    ...(request.encoding === "form" ? { bodySerializer: formSerializer } : {}),
  });
  const requestId = requestIdOf(response.headers, redactor);
  const redirect = refusedRedirect(request.operation, response, requestId);
  // Before any retry decision: not even `x-should-retry` makes a redirect worth another try.
  if (redirect !== undefined) return { ok: false, error: redirect, retry: false };
  if (response.ok) {
    const text = typeof data === "string" ? data : "";
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        const date = response.headers.get("date");
        const serverDate = date === null ? undefined : parseHttpDate(date);
        const body = parsed as Record<string, unknown>;
        return { ok: true, value: { data: body, sentAt, serverDate, status: response.status } };
      }
    } catch {
      // fall through: reported below with an excerpt
    }
    const bodyExcerpt = excerptOf(text, redactor);
    const invalid = new InvalidResponseError(
      `${request.operation} answered ${response.status} with a body that is not a JSON object: ${bodyExcerpt}`,
      { code: ERROR_CODES.INVALID_RESPONSE, status: response.status, requestId, bodyExcerpt },
    );
    return { ok: false, error: invalid, retry: false };
  }
  const parsed = parseErrorBody(error, redactor);
  const retryAfter = retryAfterMs(response.headers);
  const rateLimited =
    request.rateLimitedBy403 && response.status === 403 && isRateLimit403(parsed.code, retryAfter);
  const failure = errorFromResponse({
    operation: request.operation,
    status: response.status,
    parsed,
    requestId,
    retryAfter,
    rateLimited,
    attempts: 0,
  });
  const retry =
    shouldRetryHeader(response.headers) ?? isRetriableStatus(response.status, rateLimited);
  return { ok: false, error: failure, retry };
}
