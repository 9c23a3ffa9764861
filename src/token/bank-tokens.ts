/**
 * Client-credentials tokens ("bank" or "organization" tokens): one cached slot per scope set,
 * keyed within this client's base URL and client id.
 */
import { receiveToken, reportFetched } from "./issued-token.js";
import type { SharedStore, StoredToken } from "../store/token-store.js";
import { validateCredentialsRequest } from "../validation/validate.js";
import { postWithRetries, type EngineContext } from "./engine-context.js";
import { scopeKey } from "./scope-key.js";
import { TokenSlot, type IssuedToken } from "./token-slot.js";

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

export interface BankTokens {
  get(scopes?: readonly string[], signal?: AbortSignal): AccessToken | Promise<AccessToken>;
  /** `get` as a promise, allocation-free while the token is fresh (for getToken). */
  getAsync(scopes?: readonly string[], signal?: AbortSignal): Promise<AccessToken>;
  refresh(scopes?: readonly string[], signal?: AbortSignal): Promise<AccessToken>;
  invalidate(staleToken?: string): void;
}

export function createBankTokens(
  context: EngineContext,
  clientSecret: string,
  shared?: SharedStore,
): BankTokens {
  const { options, logger } = context;
  const slots = new Map<string, TokenSlot<AccessToken>>();

  async function fetchToken(
    scopes: readonly string[] | undefined,
    background: boolean,
  ): Promise<IssuedToken<AccessToken>> {
    const scope = scopes === undefined ? undefined : scopes.join(" ");
    const body = {
      grant_type: "client_credentials" as const,
      client_id: options.clientId,
      client_secret: clientSecret,
      ...(scope === undefined ? {} : { scope }),
    };
    const operation = `POST ${options.tokenPath}`;
    const result = await postWithRetries(
      context,
      {
        operation,
        path: options.tokenPath,
        body,
        encoding: options.tokenEncoding,
        rateLimitedBy403: true,
      },
      { background },
    );
    const { data } = result;
    const received = receiveToken(context, operation, result, data.expires_in, data.created_at);
    const granted =
      typeof data.scope === "string" && data.scope !== "" ? data.scope.split(" ") : (scopes ?? []);
    const value: AccessToken = Object.freeze({
      accessToken: received.accessToken,
      tokenType: "Bearer" as const,
      scopes: Object.freeze(granted),
      expiresAt: new Date(received.anchor + received.lifetimeMs),
    });
    reportFetched(context, "bank", operation, value, received);
    const { accessToken, anchor, lifetimeMs } = received;
    return { value, token: accessToken, sentAt: anchor, lifetimeMs };
  }

  function slotFor(scopes: readonly string[] | undefined): TokenSlot<AccessToken> {
    const key = scopeKey(scopes);
    let slot = slots.get(key);
    if (slot === undefined) {
      // Checked once per scope set, before its first request: the hot path stays a Map lookup.
      validateCredentialsRequest(
        {
          grant_type: "client_credentials",
          client_id: options.clientId,
          client_secret: clientSecret,
          ...(scopes ? { scope: scopes.join(" ") } : {}),
        },
        scopes,
      );
      const fetch = (background: boolean) => fetchToken(scopes, background);
      const fetcher = shared
        ? shared.wrap("bank", [options.tokenPath, key], fetch, rebuild, (value) => value.scopes)
        : fetch;
      slot = new TokenSlot(fetcher, {
        servedFromCache:
          options.hooks.onTokenServedFromCache &&
          (() => options.hooks.onTokenServedFromCache?.({ kind: "bank" })),
        refreshFailed: (error, nextTryAt) => {
          const servingCached = (slot?.peek()?.usableUntil ?? 0) > Date.now();
          logger.log(
            servingCached ? "warn" : "error",
            `token refresh failed (${(error as { code?: string }).code ?? "error"})${servingCached ? "; still serving the cached token" : ""}`,
          );
          options.hooks.onRefreshFailed?.({
            kind: "bank",
            error,
            servingCached,
            nextTryAt: new Date(nextTryAt),
          });
        },
      });
      slots.set(key, slot);
    }
    return slot;
  }

  /** A token another process stored, as if fetched here. */
  function rebuild(stored: StoredToken): AccessToken {
    return Object.freeze({
      accessToken: stored.token,
      tokenType: "Bearer" as const,
      scopes: Object.freeze([...stored.scopes]),
      expiresAt: new Date(stored.sentAt + stored.lifetimeMs),
    });
  }

  const defaultSlot = () => slotFor(options.scopes);
  let cachedDefault: TokenSlot<AccessToken> | undefined;

  return {
    get(scopes, signal) {
      const slot = scopes === undefined ? (cachedDefault ??= defaultSlot()) : slotFor(scopes);
      return slot.get(signal);
    },
    getAsync(scopes, signal) {
      const slot = scopes === undefined ? (cachedDefault ??= defaultSlot()) : slotFor(scopes);
      return slot.getAsync(signal);
    },
    refresh(scopes, signal) {
      return (scopes === undefined ? (cachedDefault ??= defaultSlot()) : slotFor(scopes)).refresh(
        signal,
      );
    },
    invalidate(staleToken) {
      // The store may still hold that token: it must not come back from there.
      shared?.reject(staleToken);
      for (const slot of slots.values()) slot.invalidate(staleToken);
    },
  };
}
