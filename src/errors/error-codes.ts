/**
 * The codes the SDK itself gives its errors, in one place: the code strings in `src/` come from
 * here, and callers compare against these constants instead of retyping the strings. A server's
 * own code (`invalid_client`, `no_customer`...) is passed through as the error's `code` instead,
 * so `code` stays an open string (see `CybridIdErrorCode`).
 */
export const ERROR_CODES = {
  /** `ValidationError`: an argument the spec rejects (a scope, a customer GUID...) or of the wrong type, caught before anything was sent. */
  VALIDATION_ERROR: "validation_error",
  /** `ValidationError`: an option of `createCybridId`, a store or the bank-SDK bridge is invalid; thrown when the object is built. */
  INVALID_CONFIGURATION: "invalid_configuration",
  /** `ValidationError`: `cybrid.fetch` or `cybrid.middleware` was called for an origin not among the client's API origins (nothing sent). */
  ORIGIN_NOT_ALLOWED: "origin_not_allowed",
  /** `ConnectionError`: the connection failed (refused, reset, DNS, TLS); `cause` says how. */
  CONNECTION_FAILED: "connection_failed",
  /** `TimeoutError`: one attempt took longer than `timeout`. */
  TIMEOUT: "timeout",
  /** `TimeoutError`: the call took longer than `deadline` (its attempts, the waits between them). */
  DEADLINE_EXCEEDED: "deadline_exceeded",
  /** `InvalidResponseError`: a body the SDK cannot use (malformed JSON, HTML, no token in it). */
  INVALID_RESPONSE: "invalid_response",
  /** `InvalidResponseError`: a response body over 64 KiB (the SDK reads no more). */
  RESPONSE_TOO_LARGE: "response_too_large",
  /** `InvalidResponseError`: the server answered with a redirect, which the SDK does not follow (it would carry the secret). */
  REDIRECT_REFUSED: "redirect_refused",
  /** `RateLimitError`: the 403 of a token endpoint past its rate limit, when the body named no code. */
  RATE_LIMITED: "rate_limited",
  /**
   * `RateLimitError`: pacing could not give the call a send slot before its deadline, so it was
   * not sent (`retryAfter` is the wait it would have needed).
   */
  RATE_LIMITED_LOCALLY: "rate_limited_locally",
  /** `NoUsableTokenError` (`cybrid-id/bank-sdk`): no token covers the scopes the bank SDK asked for. */
  NO_USABLE_TOKEN: "no_usable_token",
  /**
   * Not a `CybridIdError`: the `code` of the error a `TokenStore.get` throws for a value it holds
   * but cannot read (encrypted with another key), and of the one `onStoreError` gets for a stored
   * value that is no token record. Also exported as `UNREADABLE_VALUE` by `cybrid-id/store`.
   */
  STORE_VALUE_UNREADABLE: "store_value_unreadable",
} as const;

/**
 * A code the SDK itself gives an error: one of {@link ERROR_CODES}, or `http_<status>` for a
 * failed HTTP answer whose body named no code (e.g. `http_502`).
 */
export type CybridIdErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES] | `http_${number}`;
