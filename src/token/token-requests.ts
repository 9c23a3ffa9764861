/**
 * The token requests: what the client sends the identity provider for a bank token (the
 * client-credentials grant) or a customer token, and how a success becomes an issued token
 * (checked, its lifetime worked out, redacted, reported). Each goes out through the IdP
 * pipeline; nothing here calls back into the cache.
 */
import { basicCredentials } from "./basic-credentials.js";
import { InvalidResponseError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";
import type { Scope } from "../config/options.js";
import { sendToIdp, type Engine, type IdpRequest } from "../pipeline/idp-pipeline.js";
import {
  validateCredentialsRequest,
  validateCustomerTokenRequest,
} from "../validation/validate.js";
import type { FetchCall, IssuedToken, TokenFetcher } from "./issued-token.js";
import { decodeJwtClaims, jwtLifetimeMs } from "./jwt.js";
import { tokenLifetime } from "./token-timing.js";

/** An access token from the client-credentials grant. */
export interface AccessToken {
  /** The bearer token. Send it as `Authorization: Bearer <accessToken>`. */
  readonly accessToken: string;
  readonly tokenType: "Bearer";
  /** The scopes the server granted. */
  readonly scopes: readonly string[];
  /** When the server considers it expired (the SDK stops using it a little earlier). */
  readonly expiresAt: Date;
}

/** A customer JWT. */
export interface CustomerToken {
  readonly accessToken: string;
  readonly tokenType: "Bearer";
  readonly customerGuid: string;
  readonly scopes: readonly string[];
  /** From the JWT's `exp` claim. */
  readonly expiresAt: Date;
}

export interface CustomerTokenRequest {
  /** The customer's guid (32 characters). */
  customerGuid: string;
  /** What the token may do; at least one, no duplicates. */
  scopes: readonly Scope[];
  /** Stops waiting (the shared request, if any, goes on for other callers). */
  signal?: AbortSignal;
}

/** The client-credentials request's body; under Basic without the credentials. */
type CredentialsBody = {
  grant_type: "client_credentials";
  client_id?: string;
  client_secret?: string;
  scope?: string;
};

/** The customer token request's body, as the spec names its fields. */
export type CustomerTokenBody = { readonly customer_guid: string; readonly scopes: string[] };

export type TokenKind = "bank" | "customer";

/**
 * A bearer token as RFC 6750 lets it be sent (`b64token`): letters, digits, `-._~+/`, then
 * `=` padding. JWTs and the usual opaque tokens fit. It goes into Authorization headers as is:
 * a CR/LF, space or quote would forge or break them. The one check of a token from outside:
 * a server's answer here, a shared store's value (shared-store.ts).
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
export const isBearerToken = (token: unknown): token is string =>
  typeof token === "string" && BEARER_TOKEN.test(token);

/** The value callers get (frozen); a customer token names its customer. */
export function tokenValue(
  accessToken: string,
  scopes: readonly string[],
  expiresAt: Date,
  customerGuid?: string,
): AccessToken & Partial<CustomerToken> {
  return Object.freeze({
    accessToken,
    tokenType: "Bearer" as const,
    ...(customerGuid && { customerGuid }),
    scopes: Object.freeze([...scopes]),
    expiresAt,
  });
}

/**
 * The client-credentials request of one client, per scope set. The secret stays in this
 * closure: the body carries it (`client_secret_post`), or the Basic header does
 * (`client_secret_basic`, RFC 6749 2.3.1) and the body keeps the rest.
 */
export function bankTokenRequest(engine: Engine, clientSecret: string) {
  const { clientId, clientAuthentication, tokenPath, tokenEncoding } = engine.options;
  const basic =
    clientAuthentication === "client_secret_basic"
      ? basicCredentials(clientId, clientSecret)
      : undefined;
  const authorization = basic && `Basic ${basic}`;

  /**
   * The fetch of one scope set's token. Its body is checked against the spec here, once, before
   * its first send, with the credentials in it, so that the spec's limits on them apply to
   * Basic too; under Basic they are then taken out of the body (they go in the header).
   */
  return (scopes: readonly string[] | undefined): TokenFetcher<AccessToken> => {
    const body: CredentialsBody = {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      // One space-separated string, as the grant wants it.
      ...(scopes && { scope: scopes.join(" ") }),
    };
    validateCredentialsRequest(body, scopes);
    if (basic) {
      delete body.client_id;
      delete body.client_secret;
    }
    const request = { path: tokenPath, body, encoding: tokenEncoding, authorization };
    return (call) => fetchToken(engine, request, call, scopes ?? []);
  };
}

/**
 * The body of a customer token request, checked against the spec: once per customer and scope
 * set in the cache, before its first request. Its own copy of the scopes, made once they are
 * checked (missing scopes are a ValidationError, not the TypeError of spreading undefined).
 */
export function customerTokenBody({
  customerGuid,
  scopes,
}: CustomerTokenRequest): CustomerTokenBody {
  validateCustomerTokenRequest({ customer_guid: customerGuid, scopes });
  return { customer_guid: customerGuid, scopes: [...scopes] };
}

/** A customer token for `body`, minted with `bankToken`, by `call.deadlineAt`. */
export function requestCustomerToken(
  engine: Engine,
  bankToken: string,
  body: CustomerTokenBody,
  call: FetchCall & { signal?: AbortSignal | undefined },
): Promise<IssuedToken<CustomerToken>> {
  return fetchToken(
    engine,
    {
      path: "/api/customer_tokens",
      body,
      encoding: "json",
      authorization: `Bearer ${bankToken}`,
    },
    call,
    body.scopes,
    body.customer_guid,
  ) as Promise<IssuedToken<CustomerToken>>;
}

/**
 * One token request through the IdP pipeline, and its success as an issued token, once
 * checked: an `access_token` that can be sent as a Bearer credential, a `token_type` (when
 * given) of Bearer, and an expiry that had not passed when it was asked for. The response's
 * `scope`, `expires_in` and `created_at` count when it has them (the client-credentials grant
 * does); else the requested scopes and the JWT's own claims (customer tokens).
 */
async function fetchToken(
  engine: Engine,
  request: Omit<IdpRequest, "operation">,
  call: Parameters<typeof sendToIdp>[2],
  requestedScopes: readonly string[],
  customerGuid?: string,
): Promise<IssuedToken<AccessToken>> {
  const { logger, redactor, options } = engine;
  const kind = customerGuid ? "customer" : "bank";
  const operation = `POST ${request.path}`;
  const { data, sentAt, serverDate, attempts, roundTripMs } = await sendToIdp(
    engine,
    { ...request, operation },
    call,
  );
  const { access_token: token, token_type: type, scope } = data;
  const invalid = (problem: string) =>
    new InvalidResponseError(`${operation} answered ${problem}`, {
      code: ERROR_CODES.INVALID_RESPONSE,
      attempts,
    });
  // The message never quotes it (it may be a valid credential with one bad character).
  if (!isBearerToken(token))
    throw invalid(token ? "an access_token that is not a bearer token" : "no access_token");
  // Sent as `Bearer`: another type (mac, DPoP, N_A...) would be sent as what it is not. Only
  // the string: ["Bearer"] is no token type, and String() of a hostile object can throw.
  if (type !== undefined && (typeof type !== "string" || type.toLowerCase() !== "bearer")) {
    const shown = typeof type === "string" ? type : JSON.stringify(type);
    throw invalid(`token_type ${JSON.stringify(redactor.redactHead(shown, 40))}, not Bearer`);
  }
  redactor.add(token);
  const claims = decodeJwtClaims(token);
  const { anchor, lifetimeMs } = tokenLifetime({
    sentAt,
    serverDate,
    expiresIn: data.expires_in,
    issuedAt: data.created_at ?? claims?.iat,
    exp: claims?.exp,
    jwtLifetime: jwtLifetimeMs(claims, sentAt),
  });
  const expiresAt = anchor + lifetimeMs;
  // Its own exp says it was dead before we asked: not a token to cache, nor to hand out. The
  // anchored lifetime may end earlier (a server's Date a second stale shortens it); that makes
  // the token due for refresh at once, not invalid.
  const diedAt = typeof claims?.exp === "number" ? claims.exp * 1000 : expiresAt;
  if (diedAt <= sentAt)
    throw invalid(
      `a token that expired ${Math.round((sentAt - diedAt) / 1000)} s before the request (clock off?)`,
    );
  // The server may grant fewer scopes than asked; it names them in `scope`.
  const scopes = typeof scope === "string" && scope !== "" ? scope.split(" ") : requestedScopes;
  const value = tokenValue(token, scopes, new Date(expiresAt), customerGuid);
  logger.log(
    "info",
    `${operation}: ${kind} token fetched (${Math.round(lifetimeMs / 1000)} s, ${attempts} attempt(s))`,
  );
  options.hooks.onTokenFetched?.({
    kind,
    scopes: value.scopes,
    expiresAt: value.expiresAt,
    durationMs: roundTripMs,
    attempts,
  });
  return { value, token, sentAt: anchor, lifetimeMs };
}
