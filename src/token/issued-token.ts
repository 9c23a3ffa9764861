/**
 * What both token kinds do with a successful token response: check that it holds a token,
 * remember the token for redaction, work out its lifetime and anchor, and report the fetch.
 */
import { InvalidResponseError } from "../errors/cybrid-id-error.js";
import type { IdpSuccess } from "../transport/idp-request.js";
import type { EngineContext } from "./engine-context.js";
import { decodeJwtClaims, jwtLifetimeMs } from "./jwt.js";
import { lifetimeAnchor, lifetimeFromExpiresIn } from "./token-timing.js";

export interface ReceivedToken {
  accessToken: string;
  lifetimeMs: number;
  /** When the lifetime counts from (see lifetimeAnchor). */
  anchor: number;
  sentAt: number;
  attempts: number;
}

/**
 * `expiresIn` and `createdAt` are the OAuth response's fields; without them (customer tokens)
 * the JWT's own claims give the lifetime and the issue time.
 */
export function receiveToken(
  context: EngineContext,
  operation: string,
  success: IdpSuccess & { attempts: number },
  expiresIn?: unknown,
  createdAt?: unknown,
): ReceivedToken {
  const { data, sentAt, attempts } = success;
  const accessToken = data.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new InvalidResponseError(`${operation} answered without an access_token`, {
      code: "invalid_response",
      attempts,
    });
  }
  context.redactor.add(accessToken);
  const lifetimeMs = lifetimeFromExpiresIn(expiresIn, jwtLifetimeMs(accessToken, sentAt));
  const anchor = lifetimeAnchor(sentAt, createdAt ?? decodeJwtClaims(accessToken)?.iat);
  return { accessToken, lifetimeMs, anchor, sentAt, attempts };
}

export function reportFetched(
  context: EngineContext,
  kind: "bank" | "customer",
  operation: string,
  value: { scopes: readonly string[]; expiresAt: Date },
  received: ReceivedToken,
): void {
  const seconds = Math.round(received.lifetimeMs / 1000);
  context.logger.log(
    "info",
    `${operation}: ${kind} token fetched (${seconds} s, ${received.attempts} attempt(s))`,
  );
  context.options.hooks.onTokenFetched?.({
    kind,
    scopes: value.scopes,
    expiresAt: value.expiresAt,
    durationMs: Date.now() - received.sentAt,
    attempts: received.attempts,
  });
}
