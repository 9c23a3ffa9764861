/**
 * The emulator's public types. They are the contract other test suites are written against:
 * change a name here and every suite that drives the emulator breaks.
 */

/** Client id of the client an emulator registers when `clients` is not given. */
export const DEFAULT_CLIENT_ID = "emulator-client";
/** Secret of the client an emulator registers when `clients` is not given. */
export const DEFAULT_CLIENT_SECRET = "not-real-secret";

/** A client the emulator knows (client-credentials grant). */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** The token's `sub_type` claim. Only `bank` tokens may mint customer tokens. @default "bank" */
  kind?: "bank" | "organization";
  /**
   * The scopes this client may ask for, each documented in the spec for its `kind` (start-up
   * throws otherwise). @default every scope the spec documents for its `kind`
   */
  scopes?: string[];
}

/** How an emulator behaves; every field is optional. */
export interface EmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** The address to bind; for `0.0.0.0` or `::`, `url` is on loopback. @default "127.0.0.1" */
  host?: string;
  /** @default one bank client, {@link DEFAULT_CLIENT_ID} / {@link DEFAULT_CLIENT_SECRET} */
  clients?: EmulatorClient[];
  /** `expires_in` of `/oauth/token` (and `exp - iat` of its JWT). @default 1800 */
  tokenTtlSeconds?: number;
  /** `exp - iat` of customer JWTs. @default 1800 */
  customerTokenTtlSeconds?: number;
  /** When given, only these customer guids exist (others: 422 `no_customer`). @default every guid */
  customers?: string[];
  /**
   * At most `max` requests per client id per endpoint in any `windowMs`; past it: 403 with the
   * spec's `rate_limited` example and `Retry-After` (whole seconds, rounded up) and
   * `Retry-After-Ms`. @default no limit
   */
  rateLimit?: { max: number; windowMs: number };
  /** Paths that serve the client-credentials grant. @default ["/oauth/token"] */
  tokenPaths?: string[];
  /**
   * Answer CORS preflights and add `Access-Control-Allow-*` / `-Expose-Headers` to every
   * response, for browser tests. @default false
   */
  cors?: boolean;
  /** The JWT `iss` claim, and the only issuer accepted on bearer tokens. @default the emulator URL */
  issuer?: string;
  /**
   * How many requests {@link Emulator.requests} keeps; past it the oldest are dropped, so a
   * long-running emulator (`cybrid-id serve`, a soak test) does not grow without bound.
   * {@link Emulator.count} still counts every request.
   * @default 10_000
   */
  maxLoggedRequests?: number;
  /**
   * Largest request body it reads, in bytes. A larger one (by its content-length, or as it
   * arrives) is answered 413 with an ErrorResponse body (`payload_too_large`) and not read
   * further, and the connection is closed: no request can make the emulator hold more.
   * @default 65_536 (64 KiB)
   */
  maxRequestBytes?: number;
}

/**
 * A programmed misbehaviour. Faults are queued by {@link Emulator.inject}; each request consumes
 * the first fault that matches it. A fault with neither `status`, `example`, `body`, `hang` nor
 * `reset` lets the request be handled normally, then sends the answer with its `headers`,
 * `delayMs` and `slowBodyMs`.
 */
export interface Fault {
  /** Only requests to this path. @default any path */
  path?: string;
  /** How many matching requests it applies to (`Infinity` allowed). @default 1 */
  times?: number;
  /** Answer with this status (with `body`, `example`, or else the spec's first example for it). */
  status?: number;
  /** The body of the spec's named example for (path, status), e.g. `expired_signature`. */
  example?: string;
  /** A body: a string is sent raw (HTML, malformed JSON, ""), anything else JSON-encoded. */
  body?: unknown;
  /** @default application/json (text/html for string bodies starting with "<") */
  contentType?: string;
  /** Extra response headers, e.g. `{ "retry-after": "2" }` or `{ "x-should-retry": "false" }`. */
  headers?: Record<string, string>;
  /** Wait this long before answering (normally, or as the fault says). */
  delayMs?: number;
  /** Never answer; the socket stays open until the client gives up or `close()` destroys it. */
  hang?: boolean;
  /** Destroy the socket without any response (ECONNRESET on the client). */
  reset?: boolean;
  /** Send the status line and headers at once, then the body in small chunks over this time. */
  slowBodyMs?: number;
}

/** What a bearer token on a request was worth. */
export interface LoggedBearer {
  token: string;
  valid: boolean;
  /** Why it was refused: the name of the spec's 401 example. */
  reason?: string;
  /** Its `exp` claim, when it had one. */
  exp?: number;
}

/** One request the emulator received. */
export interface LoggedRequest {
  method: string;
  /** The path without its query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON or form object, or the raw text when it was neither. */
  body: unknown;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
  /** The status it was answered with; 0 while unanswered, or when hung or reset. */
  status: number;
  /** The fault it consumed, if any. */
  fault?: Fault;
  /** Set for every request that carried `Authorization: Bearer ...`. */
  bearer?: LoggedBearer;
}

/** Settings that {@link Emulator.configure} may change on a running emulator. */
export type EmulatorSettings = Partial<
  Pick<EmulatorOptions, "tokenTtlSeconds" | "customerTokenTtlSeconds" | "customers" | "rateLimit">
>;

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The first client's credentials. */
  clientId: string;
  clientSecret: string;
  /** The latest requests (`maxLoggedRequests`), in order of arrival (CORS preflights included). */
  requests: LoggedRequest[];
  /**
   * How many requests (to that path) arrived since the start or the last `resetLog()`, log
   * trimming aside; CORS preflights are not counted.
   */
  count(path?: string): number;
  /** Queues a fault. Throws when it names an example the spec does not have. */
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Empties {@link Emulator.requests} (in place) and sets every count back to zero. */
  resetLog(): void;
  /** Changes settings; `customers: undefined` or `rateLimit: undefined` lifts the restriction. */
  configure(options: EmulatorSettings): void;
  /** Signs exactly these claims with the emulator's key (for expired or foreign tokens). */
  signJwt(claims: Record<string, unknown>): string;
  /** Closes the server and every open socket (hung ones too). */
  close(): Promise<void>;
}
