/**
 * One attempt of a POST to the identity provider through openapi-fetch, turned into an
 * `AttemptResult`: the parsed JSON on success, a typed error and a retry decision otherwise.
 */
import type { Client } from "openapi-fetch";
import type { paths } from "../../generated/openapi.js";
import { InvalidResponseError } from "../errors/cybrid-id-error.js";
import { excerptOf, parseErrorBody } from "../errors/error-body.js";
import { errorFromResponse } from "../errors/error-from-response.js";
import type { AttemptResult } from "../retry/attempt-loop.js";
import { retryAfterMs } from "../retry/retry-after.js";
import { parseHttpDate } from "./http-date.js";
import { isRateLimit403, isRetriableStatus, shouldRetryHeader } from "../retry/retry-policy.js";

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

export async function postToIdp(
  api: Client<paths>,
  request: IdpRequest,
  signal: AbortSignal,
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
    parseAs: "text",
    ...(request.encoding === "form" ? { bodySerializer: formSerializer } : {}),
  });
  const requestId = response.headers.get("x-request-id") ?? undefined;
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
    const bodyExcerpt = excerptOf(text);
    const invalid = new InvalidResponseError(
      `${request.operation} answered ${response.status} with a body that is not a JSON object: ${bodyExcerpt}`,
      { code: "invalid_response", status: response.status, requestId, bodyExcerpt },
    );
    return { ok: false, error: invalid, retry: false };
  }
  const parsed = parseErrorBody(error);
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
