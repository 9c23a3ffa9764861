/**
 * The one options type of `createCybridId`, its defaults, and `resolveOptions`, which reads the
 * environment for what is omitted and puts every option through its check (option-checks.ts,
 * api-origins.ts) before anything is sent.
 */
import type { CybridIdHooks } from "./hooks.js";
import type { components } from "../../generated/openapi.js";
import { checkApiOrigins, checkUrlOption } from "./api-origins.js";
import { DEFAULT_BASE_URL, defaultApiOrigins, readEnv } from "./environments.js";
import type { LogLevel, LogSink } from "../log/logger.js";
import {
  CONFIG,
  checkCredentials,
  checkHooks,
  checkLogger,
  checkScopesOption,
  checkStore,
  checkTokenPath,
  invalid,
  numberOption,
  numbers,
  objectOption,
  oneOf,
} from "./option-checks.js";
import type { StoreSettings, TokenStore } from "./token-store.js";

/** How a request body is encoded: JSON (Cybrid's docs) or RFC 6749 form encoding. */
export type BodyEncoding = "json" | "form";

/** Where the client credentials go on a token request (OAuth's registered method names). */
export type ClientAuthentication = "client_secret_post" | "client_secret_basic";

/**
 * A scope: the ones the spec knows autocomplete, and any other well-formed `resource:action`
 * is accepted too, because the server learns new scopes between SDK releases.
 */
export type Scope = components["schemas"]["Scope"] | (string & {});

export type { CybridIdHooks };

export interface CybridIdOptions {
  /**
   * The organization's or bank's client id.
   * @default process.env.CYBRID_CLIENT_ID
   */
  clientId?: string;
  /**
   * The matching client secret, at least 8 characters. Kept in a closure: never logged,
   * inspected or serialised, and redacted (in every encoding) from whatever a server echoes.
   * @default process.env.CYBRID_CLIENT_SECRET
   */
  clientSecret?: string;
  /**
   * The identity API. Must be https, except on loopback (the emulator). Userinfo
   * (`user:pass@`), a query or a fragment is refused with a `ValidationError`.
   * @default process.env.CYBRID_ID_URL ?? "https://id.sandbox.cybrid.app"
   */
  baseUrl?: string;
  /**
   * Origins besides the defaults that `cybrid.fetch` and `cybrid.middleware` may send the bank
   * token to, e.g. a local stub of the bank API on another port. Each is an https origin (or
   * http on loopback): scheme, host and port only. The defaults: for Cybrid's sandbox or
   * production `baseUrl`, the bank and organization APIs of that environment; for a loopback
   * `baseUrl` (the emulator), its own origin; for any other `baseUrl`, none. A request to any
   * other origin is refused with ValidationError `origin_not_allowed`, unsent.
   * @default []
   */
  apiOrigins?: readonly string[];
  /**
   * Scopes asked for by `getToken()` when a call names none, one scope an entry
   * (`["customers:read", "customers:write"]`). Omitted, the server grants the client's default
   * scopes.
   * @default undefined
   */
  scopes?: readonly Scope[];
  /**
   * The fetch to use (a proxy agent, a test double, an instrumented fetch). With one other than
   * the runtime's own, `cybrid.fetch` follows redirects itself, sending the bank token to the
   * API origins only (it must honour `redirect: "manual"`, as node-fetch and undici do).
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Retries after the first attempt of a token request (a throttled call's paced retries, see
   * `pacing`, are not counted). An integer from 0 to 2^31-1, as every numeric option (ms options
   * end up in timers, which take no more).
   * @default 2
   */
  maxRetries?: number;
  /**
   * Per-attempt timeout in ms, the response body included. At least 1.
   * @default 10_000
   */
  timeout?: number;
  /**
   * Bound in ms on all attempts of one call and the waits between them, from the start of its
   * token fetch. With a `store`, the wait for another process's token counts, a third of the
   * deadline at most: then the call fetches on its own. A caller that waits for a background
   * refresh already under way (its token ran out meanwhile) waits a whole deadline at most. A
   * `Retry-After` longer than what is left fails at once with the error that carries it. At
   * least 1.
   * @default 60_000
   */
  deadline?: number;
  /**
   * Backoff between retries: full jitter in [0, min(max, base * 2^n)] ms.
   * @default { base: 500, max: 8_000 }
   */
  backoff?: { base?: number; max?: number };
  /**
   * How many customer tokens (customer guid + scope set) are cached; the least recently used
   * is evicted beyond it. At least 1.
   * @default 1000
   */
  customerTokenCacheSize?: number;
  /**
   * How many client-credentials tokens (one per scope set asked of `getToken`) are cached; the
   * least recently used is evicted beyond it. The token of the `scopes` option is always kept.
   * At least 1.
   * @default 100
   */
  bankTokenCacheSize?: number;
  /**
   * The token endpoint's path, for providers that put it elsewhere (e.g. `/v1/oauth/token`).
   * A path on `baseUrl`'s origin only: it must start with a single `/` and carry no query or
   * fragment (`ValidationError` otherwise), so the secret cannot be sent to another host.
   * @default "/oauth/token"
   */
  tokenPath?: string;
  /**
   * How the client-credentials body is encoded: JSON as Cybrid's docs send it, or RFC 6749
   * form encoding.
   * @default "json"
   */
  tokenEncoding?: BodyEncoding;
  /**
   * How the client authenticates to the token endpoint: `"client_secret_post"` puts
   * `client_id` and `client_secret` in the body (JSON or form, per `tokenEncoding`), as
   * Cybrid's docs do; `"client_secret_basic"` sends `Authorization: Basic` with id and secret
   * each form-urlencoded before base64 (RFC 6749 section 2.3.1, OIDC's default), and the body
   * carries neither.
   * @default "client_secret_post"
   */
  clientAuthentication?: ClientAuthentication;
  /**
   * A level (messages go to `console`), or a level and a sink such as pino (with `debug`,
   * `info`, `warn` and `error` methods). An unknown `CYBRID_ID_LOG` means "warn", said once.
   * @default process.env.CYBRID_ID_LOG ?? "warn"
   */
  logger?: LogLevel | { level?: LogLevel; sink?: LogSink };
  /**
   * Metrics hooks, on the request path. One that throws or rejects never fails a call: its
   * first failure is logged at warn and the call goes on.
   * @default {}
   */
  hooks?: CybridIdHooks;
  /**
   * A token store shared by several processes, so that a fleet mints one token per refresh
   * instead of one per process: any {@link TokenStore}, such as `redisTokenStore()` from
   * `cybrid-id/redis` or a `MemoryTokenStore` from `cybrid-id/store` (clients of one process).
   * Each process still caches in memory in front of it. A failing or slow store is bypassed
   * (warn log, `onStoreError`), never fatal. Customer tokens from `getCustomerToken` are
   * shared too; `createCustomerToken` never is.
   * @default undefined (each process caches on its own)
   */
  store?: TokenStore;
  /**
   * Bound in ms on each call to the `store`; past it the client fetches on its own (and skips
   * the store for a while, with a warning and `onStoreError`).
   * @default 250
   */
  storeTimeout?: number;
  /**
   * Lifetime in ms of the lock a process holds in the `store` while it fetches a token for the
   * fleet. Another process takes over when its holder crashed, at most this long after; a fetch
   * that takes longer may be duplicated by another process (one more token request). A call
   * waits for the holder's token for a third of its `deadline` at most. At least 1.
   * @default 10_000
   */
  storeLockTtl?: number;
  /**
   * Pacing of each token endpoint, after the AWS SDKs' adaptive retry mode: at most
   * `maxInFlight` requests in flight (at least 1); unpaced until the server answers with its rate
   * limit (429, or the 403 `rate_limited`), then paced from 70% of the rate the server let
   * through, cut on each further throttle and raised again over time; unpaced again after a
   * minute without a throttle. A throttled call waits for its turn and is retried within its
   * `deadline` (not counted in `maxRetries`); a call that cannot be sent before its deadline
   * fails at once with RateLimitError `rate_limited_locally`. `false` turns pacing off (each
   * call retries on its own, as `maxRetries` and `backoff` say).
   * @default { maxInFlight: 16 }
   */
  pacing?: false | { maxInFlight?: number };
  /**
   * The client's retry budget (AWS standard retry quota): a retry costs 5, a retried timeout
   * 10, each success gives 1 back, up to this capacity. Once spent, failures are thrown rather
   * than retried, but for a reserve of 2 retries refilled at one per second (a retry may wait
   * up to 1 s, within its deadline, for the next refill), so an outage adds at most about
   * capacity / 5 retries plus one a second. `false` turns it off.
   * @default 250
   */
  retryBudget?: false | number;
}

export interface ResolvedOptions {
  clientId: string;
  baseUrl: string;
  /** Every origin cybrid.fetch and cybrid.middleware may send the token to (defaults included). */
  apiOrigins: readonly string[];
  scopes: readonly string[] | undefined;
  fetch: typeof fetch;
  retry: {
    maxRetries: number;
    timeout: number;
    deadline: number;
    backoff: { base: number; max: number };
  };
  customerTokenCacheSize: number;
  bankTokenCacheSize: number;
  tokenPath: string;
  tokenEncoding: BodyEncoding;
  clientAuthentication: ClientAuthentication;
  logLevel: LogLevel;
  logSink: LogSink;
  hooks: CybridIdHooks;
  store: StoreSettings | undefined;
  pacing: { maxInFlight: number } | false;
  retryBudget: number | false;
}

/**
 * Resolves defaults and the environment; the secret is returned apart so it is never stored on
 * an object.
 */
export function resolveOptions(options: CybridIdOptions): {
  resolved: ResolvedOptions;
  clientSecret: string;
} {
  if (typeof options !== "object" || options === null) throw invalid("options must be an object");
  const { clientId, clientSecret } = checkCredentials(
    options.clientId ?? readEnv("CYBRID_CLIENT_ID"),
    options.clientSecret ?? readEnv("CYBRID_CLIENT_SECRET"),
  );
  const logger = checkLogger(options.logger);
  const backoff = objectOption(options.backoff, "backoff must be { base, max }");
  const pacing =
    options.pacing !== false &&
    objectOption(options.pacing, "pacing must be false or { maxInFlight }");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw invalid("no fetch available: pass options.fetch");
  }
  const baseUrl = checkUrlOption(
    options.baseUrl ?? readEnv("CYBRID_ID_URL") ?? DEFAULT_BASE_URL,
    "baseUrl",
    CONFIG,
  ).href.replace(/\/+$/, "");
  return {
    clientSecret,
    resolved: {
      clientId,
      baseUrl,
      apiOrigins: [...defaultApiOrigins(baseUrl), ...checkApiOrigins(options.apiOrigins, CONFIG)],
      scopes: checkScopesOption(options.scopes),
      fetch: fetchImpl,
      retry: {
        // 0 would not mean "none" (a reader may think it does) but "fail at once": refused.
        ...numbers(options, { maxRetries: [2], timeout: [10_000, 1], deadline: [60_000, 1] }),
        backoff: numbers(backoff, { base: [500], max: [8_000] }, "backoff."),
      },
      ...numbers(options, { customerTokenCacheSize: [1000, 1], bankTokenCacheSize: [100, 1] }),
      tokenPath: checkTokenPath(baseUrl, options.tokenPath ?? "/oauth/token"),
      tokenEncoding: oneOf(options.tokenEncoding, ["json", "form"], "tokenEncoding"),
      clientAuthentication: oneOf(
        options.clientAuthentication,
        ["client_secret_post", "client_secret_basic"],
        "clientAuthentication",
      ),
      logLevel: logger.level,
      logSink: logger.sink,
      hooks: checkHooks(options.hooks),
      store: checkStore(options),
      pacing: pacing && numbers(pacing, { maxInFlight: [16, 1] }, "pacing."),
      retryBudget:
        options.retryBudget !== false && numberOption(options.retryBudget, 250, "retryBudget"),
    },
  };
}
