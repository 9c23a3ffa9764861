/**
 * What bank and customer tokens share: turning a token response into a cached value (checked,
 * redacted, its lifetime worked out, reported), and a token slot wired to the client's hooks,
 * logs and shared store.
 */
import { ERROR_CODES } from "../errors/error-codes.js";
import { InvalidResponseError } from "../errors/cybrid-id-error.js";
import type { SharedStore, StoredToken } from "../store/token-store.js";
import type { Engine, IdpSuccess } from "../pipeline/idp-pipeline.js";
import { decodeJwtClaims, jwtLifetimeMs } from "./jwt.js";
import { tokenLifetime } from "./token-timing.js";
import type { IssuedToken, TokenFetcher } from "./issued-token.js";
import { createTokenSlot, type TokenSlot } from "./token-slot.js";

export type TokenKind = "bank" | "customer";

/**
 * A bearer token as RFC 6750 lets it be sent (`b64token`): letters, digits, `-._~+/`, then
 * `=` padding. JWTs and the usual opaque tokens fit.
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** What every token value has (AccessToken, CustomerToken). */
interface TokenValue {
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
}

/**
 * A successful token response as an issued token, once checked: an `access_token` that can be
 * sent as a Bearer credential, a `token_type` (when given) of Bearer, and an expiry that has not
 * passed. `expiresIn` and `createdAt` are the OAuth
 * response's fields; without them (customer tokens) the JWT's own claims give the lifetime and
 * the issue time. `make` builds the value callers get from the token and its expiry.
 */
export function issueToken<T extends TokenValue>(
  context: Engine,
  kind: TokenKind,
  operation: string,
  success: IdpSuccess & { attempts: number },
  make: (accessToken: string, expiresAt: Date) => T,
  expiresIn?: unknown,
  createdAt?: unknown,
): IssuedToken<T> {
  const { data, sentAt, serverDate, attempts } = success;
  const token = data.access_token;
  const invalid = (problem: string) =>
    new InvalidResponseError(`${operation} answered ${problem}`, {
      code: ERROR_CODES.INVALID_RESPONSE,
      attempts,
    });
  if (typeof token !== "string" || token === "") throw invalid("without an access_token");
  // It goes into Authorization headers as is: a CR/LF, space or quote would forge or break them.
  // The message never quotes it (it may be a valid credential with one bad character).
  if (!BEARER_TOKEN.test(token)) throw invalid("an access_token that is not a bearer token");
  // Sent as `Bearer`: another type (mac, DPoP, N_A...) would be sent as what it is not.
  const type = data.token_type;
  if (type !== undefined && (typeof type !== "string" || type.toLowerCase() !== "bearer")) {
    const shown = context.redactor.redactHead(String(type), 40);
    throw invalid(`token_type ${JSON.stringify(shown)}; only Bearer tokens are supported`);
  }
  context.redactor.add(token);
  const claims = decodeJwtClaims(token);
  const { anchor, lifetimeMs } = tokenLifetime({
    sentAt,
    serverDate,
    expiresIn,
    issuedAt: createdAt ?? claims?.iat,
    exp: claims?.exp,
    jwtLifetime: jwtLifetimeMs(token, sentAt),
  });
  // Its own exp says it was dead before we asked: not a token to cache, nor to hand out.
  if (anchor + lifetimeMs <= sentAt) {
    const ago = Math.round((sentAt - anchor - lifetimeMs) / 1000);
    throw new InvalidResponseError(
      `${operation} answered with a token that had expired ${ago} s before it was asked for (is a clock off?)`,
      { code: ERROR_CODES.INVALID_RESPONSE, attempts },
    );
  }
  const value = make(token, new Date(anchor + lifetimeMs));
  context.logger.log(
    "info",
    `${operation}: ${kind} token fetched (${Math.round(lifetimeMs / 1000)} s, ${attempts} attempt(s))`,
  );
  context.options.hooks.onTokenFetched?.({
    kind,
    scopes: value.scopes,
    expiresAt: value.expiresAt,
    durationMs: Date.now() - sentAt,
    attempts,
  });
  return { value, token, sentAt: anchor, lifetimeMs };
}

/**
 * A slot for one token (a kind and a key within it) that reports to the client's hooks and
 * logs, and goes through the shared store when the client has one. `rebuild` turns a token
 * another process stored into the value callers get.
 */
export function cachedTokenSlot<T extends TokenValue>(
  context: Engine,
  shared: SharedStore | undefined,
  kind: TokenKind,
  keyParts: readonly string[],
  fetch: TokenFetcher<T>,
  rebuild: (stored: StoredToken) => T,
): TokenSlot<T> {
  const { hooks } = context.options;
  const fetcher = shared ? shared.wrap(kind, keyParts, fetch, rebuild, (v) => v.scopes) : fetch;
  const slot = createTokenSlot(fetcher, {
    servedFromCache:
      hooks.onTokenServedFromCache && (() => hooks.onTokenServedFromCache?.({ kind })),
    // A background refresh has nobody to throw to: it is logged and reported to the hook.
    refreshFailed(error, nextTryAt) {
      const servingCached = slot.usable();
      context.logger.log(
        servingCached ? "warn" : "error",
        `${kind} token refresh failed (${codeOf(error)})${servingCached ? "; still serving the cached token" : ""}`,
      );
      hooks.onRefreshFailed?.({ kind, error, servingCached, nextTryAt: new Date(nextTryAt) });
    },
    // A foreground fetch failure is thrown to its callers: reporting it again would count it twice.
    fetchFailed(error) {
      context.logger.log(
        "debug",
        `${kind} token fetch failed (${codeOf(error)}); thrown to the caller`,
      );
    },
  });
  return slot;
}

const codeOf = (error: unknown) => (error as { code?: unknown } | undefined)?.code ?? "error";
