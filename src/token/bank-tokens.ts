/**
 * Client-credentials tokens ("bank" or "organization" tokens): one cached slot per scope set,
 * keyed within this client's base URL and client id. Scope sets may come from users, so the
 * slots are a bounded LRU (`bankTokenCacheSize`); the slot of the default scopes is kept apart
 * and never evicted.
 */
import { basicCredentials } from "../auth/basic-credentials.js";
import type { SharedStore } from "../store/token-store.js";
import { validateCredentialsRequest } from "../validation/validate.js";
import { sendToIdp, type Engine } from "../pipeline/idp-pipeline.js";
import { LruMap } from "./lru-map.js";
import { scopeKey } from "./scope-key.js";
import type { IssuedToken } from "./issued-token.js";
import type { TokenSlot } from "./token-slot.js";
import { cachedTokenSlot, issueToken } from "./token-source.js";

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
  /** The token for a scope set (the client's `scopes` when omitted), from its slot. */
  get(scopes?: readonly string[], signal?: AbortSignal): Promise<AccessToken>;
  refresh(scopes?: readonly string[], signal?: AbortSignal): Promise<AccessToken>;
  invalidate(staleToken?: string): void;
}

/** The value callers get; `scopes` are the granted ones. */
function accessToken(token: string, scopes: readonly string[], expiresAt: Date): AccessToken {
  return Object.freeze({
    accessToken: token,
    tokenType: "Bearer" as const,
    scopes: Object.freeze([...scopes]),
    expiresAt,
  });
}

export function createBankTokens(
  context: Engine,
  clientSecret: string,
  shared?: SharedStore,
): BankTokens {
  const { options } = context;
  const slots = new LruMap<string, TokenSlot<AccessToken>>(options.bankTokenCacheSize);
  const operation = `POST ${options.tokenPath}`;

  /** The request body; `scope` is one space-separated string, as the grant wants it. */
  const bodyFor = (scopes: readonly string[] | undefined) => ({
    grant_type: "client_credentials" as const,
    client_id: options.clientId,
    client_secret: clientSecret,
    ...(scopes === undefined ? {} : { scope: scopes.join(" ") }),
  });
  // HTTP Basic (RFC 6749 2.3.1): the credentials move to the header, the body keeps the rest.
  const basic = options.clientAuthentication === "client_secret_basic";
  const encoded = basic ? basicCredentials(options.clientId, clientSecret) : undefined;
  // The encoded form is the secret too: blanked out of whatever a server echoes back.
  context.redactor.add(encoded);
  const authorization = encoded === undefined ? undefined : `Basic ${encoded}`;
  const sentBodyFor = (scopes: readonly string[] | undefined) => {
    if (!basic) return bodyFor(scopes);
    const { client_id: _id, client_secret: _secret, ...rest } = bodyFor(scopes);
    return rest;
  };

  async function fetchToken(
    scopes: readonly string[] | undefined,
    background: boolean,
  ): Promise<IssuedToken<AccessToken>> {
    const result = await sendToIdp(
      context,
      {
        operation,
        path: options.tokenPath,
        body: sentBodyFor(scopes),
        encoding: options.tokenEncoding,
        authorization,
      },
      { background },
    );
    const { scope, expires_in, created_at } = result.data;
    // The server may grant fewer scopes than asked; it names them in `scope`.
    const granted = typeof scope === "string" && scope !== "" ? scope.split(" ") : (scopes ?? []);
    const make = (token: string, expiresAt: Date) => accessToken(token, granted, expiresAt);
    return issueToken(context, "bank", operation, result, make, expires_in, created_at);
  }

  function newSlot(key: string, scopes: readonly string[] | undefined): TokenSlot<AccessToken> {
    // Checked once per scope set, before its first request: the hot path stays a Map lookup.
    // With the credentials in the body either way, so that the spec's limits on the id and
    // secret apply to Basic too (the body sent then is this one without them).
    validateCredentialsRequest(bodyFor(scopes), scopes);
    return cachedTokenSlot(
      context,
      shared,
      "bank",
      [options.tokenPath, key],
      (background) => fetchToken(scopes, background),
      (stored) =>
        accessToken(stored.token, stored.scopes, new Date(stored.sentAt + stored.lifetimeMs)),
    );
  }

  const defaultKey = scopeKey(options.scopes);
  let defaultSlot: TokenSlot<AccessToken> | undefined;
  const slotOfDefault = () => (defaultSlot ??= newSlot(defaultKey, options.scopes));

  function slotFor(scopes: readonly string[]): TokenSlot<AccessToken> {
    const key = scopeKey(scopes);
    // An empty list has the key of "no scopes" but is invalid: it goes on to be validated.
    if (key === defaultKey && scopes.length > 0) return slotOfDefault();
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = newSlot(key, scopes);
      slots.set(key, slot);
    }
    return slot;
  }

  const slotOf = (scopes: readonly string[] | undefined) =>
    scopes === undefined ? slotOfDefault() : slotFor(scopes);

  return {
    get: (scopes, signal) => slotOf(scopes).get(signal),
    refresh: (scopes, signal) => slotOf(scopes).refresh(signal),
    invalidate(staleToken) {
      // The store may still hold that token: it must not come back from there.
      shared?.reject(staleToken);
      defaultSlot?.invalidate(staleToken);
      for (const slot of slots.values()) slot.invalidate(staleToken);
    },
  };
}
