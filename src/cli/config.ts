/**
 * What every command shares: strict flag parsing over `node:util` parseArgs (a typo is exit
 * status 2, never a silently ignored flag), the connection flags with their environment
 * fallbacks, and a client whose `--verbose` mode narrates requests, retries and cache
 * decisions on stderr through the SDK's own logger and hooks.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createCybridId, type CybridId, type CybridIdHooks, type LogSink } from "../index.js";
import { DEFAULT_BASE_URL, readEnv } from "../config/environments.js";
import { HelpRequested, UsageError } from "./exit-codes.js";
import { debug, err, fail, formatDuration, neverPrint, talkingTo, timeLeft } from "./output.js";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** `--verbose` and `--help`, accepted by every command. */
export const COMMON_OPTIONS = {
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionsConfig;

/** How to reach the identity API; each flag falls back to an environment variable. */
export const CONNECTION_OPTIONS = {
  "base-url": { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
} as const satisfies OptionsConfig;

/** The flags of the commands that print a token (`token`, `customer-token`). */
export const TOKEN_OPTIONS = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  scopes: { type: "string", short: "s" },
  json: { type: "boolean" },
} as const satisfies OptionsConfig;

/** The `-v` and `-h` lines of a command's help: `verbose` says what `-v` logs for it. */
export const commonHelp = (verbose: string, width = 24) =>
  `  ${"-v, --verbose".padEnd(width)}${verbose}\n  ${"-h, --help".padEnd(width)}show this help`;

const COMMON_HELP = commonHelp("log each request, retry and cache decision to stderr");

export const CONNECTION_HELP = `Connection (flags win over the environment):
  --base-url <url>        identity API       env CYBRID_ID_URL (default ${DEFAULT_BASE_URL})
  --client-id <id>        client id          env CYBRID_CLIENT_ID
  --client-secret <s>     client secret      env CYBRID_CLIENT_SECRET
                          (prefer the env variable: flags are visible to other users in \`ps\`)`;

/** The flag help of the commands that connect (common flags, then the connection). */
export const CONNECTED_HELP = `${COMMON_HELP}

${CONNECTION_HELP}`;

/** Printed (on stderr) whenever the secret is given as a flag; never the secret itself. */
const CLIENT_SECRET_FLAG_WARNING =
  "warning: --client-secret on the command line is visible in ps; prefer CYBRID_CLIENT_SECRET";

/** The option nearest to an unknown one, within two edits or as a prefix: `--scope` -> `--scopes`. */
function nearestOption(unknown: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = name.startsWith(unknown) ? 1 : editDistance(unknown, name);
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance, for flag suggestions (a few short strings: the plain algorithm). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** parseArgs in strict mode, its errors turned into usage errors (exit status 2). */
export function parseCommandLine<const T extends OptionsConfig>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals });
    if ("help" in parsed.values && parsed.values.help === true) throw new HelpRequested();
    return parsed;
  } catch (error) {
    if (error instanceof HelpRequested) throw error;
    // parseArgs messages are clear ("Unknown option '--x'"); its hints about `--` are not
    // useful here, so keep the first sentence only, and name the flag that was probably meant.
    const message = error instanceof Error ? error.message : String(error);
    const first = message.split(". ")[0] ?? message;
    const unknown = /^Unknown option '--([^'=]+)/.exec(first)?.[1];
    const suggestion =
      unknown === undefined ? undefined : nearestOption(unknown, Object.keys(options));
    throw new UsageError(
      suggestion === undefined ? first : `${first}: did you mean --${suggestion}?`,
    );
  }
}

type ConnectionValues = { [K in keyof typeof CONNECTION_OPTIONS]?: string | undefined };

/**
 * A client configured from flags and environment. Missing credentials are a usage error
 * (exit 2) with the fix in the message; everything else is checked by `createCybridId`,
 * whose `ValidationError` main.ts also maps to exit 2.
 */
export function connect(values: ConnectionValues, verbose: boolean): CybridId {
  const clientId = values["client-id"] ?? readEnv("CYBRID_CLIENT_ID");
  const clientSecret = values["client-secret"] ?? readEnv("CYBRID_CLIENT_SECRET");
  // Registered before anything can fail, so even a crash report cannot print it.
  neverPrint(clientSecret, clientId);
  // Other users of the machine see the flag in `ps` (and shells keep it in their history).
  if (values["client-secret"] !== undefined) fail(undefined, CLIENT_SECRET_FLAG_WARNING);
  if (clientId === undefined)
    throw new UsageError("no client id: pass --client-id or set CYBRID_CLIENT_ID");
  if (clientSecret === undefined)
    throw new UsageError("no client secret: set CYBRID_CLIENT_SECRET (or pass --client-secret)");
  const baseUrl = values["base-url"] ?? readEnv("CYBRID_ID_URL");
  const client = createCybridId({
    clientId,
    clientSecret,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    // Quiet by default: a failure is reported once, by main.ts, as one line.
    logger: verbose ? { level: "debug", sink: stderrSink } : "silent",
    hooks: verbose ? verboseHooks() : {},
    ...(verbose ? { fetch: loggingFetch } : {}),
  });
  // Named only once createCybridId has accepted it: a refused URL (userinfo) is never shown.
  talkingTo(baseUrl ?? DEFAULT_BASE_URL);
  if (verbose)
    debug(`base URL ${baseUrl ?? `${DEFAULT_BASE_URL} (default)`}, client id ${clientId}`);
  return client;
}

/** The SDK's log lines (already redacted and prefixed by it) go to stderr. */
const stderrSink: LogSink = { debug: err, info: err, warn: err, error: err };

/** Cache decisions and retries, as the hooks report them, for one command's client. */
function verboseHooks(): CybridIdHooks {
  // The hook's durationMs is the successful attempt's round trip alone; the line tells the
  // whole fetch, retries and their waits included. A command's fetches run one after another
  // from when its client is made: each took from the end of the one before to its own end.
  let fetchStartedAt = Date.now();
  return {
    onTokenFetched(event) {
      const now = Date.now();
      debug(
        `cache miss: fetched a ${event.kind} token (scopes: ${event.scopes.join(" ") || "default"}; ` +
          `expires ${timeLeft(event.expiresAt)}; ${event.attempts} attempt(s) in ${formatDuration(now - fetchStartedAt)})`,
      );
      fetchStartedAt = now;
    },
    onTokenServedFromCache: (event) => debug(`cache hit: ${event.kind} token served from cache`),
    onRetryScheduled: (event) =>
      debug(
        `retry ${event.retry} of ${event.operation} in ${formatDuration(event.delayMs)} ` +
          `(after ${event.status ?? ""} ${event.code})`.replace("( ", "("),
      ),
    onRefreshFailed: (event) =>
      debug(
        `${event.kind} token refresh failed; ${event.servingCached ? "still serving the cached token" : "no usable token"}; next try ${timeLeft(event.nextTryAt)}`,
      ),
  };
}

/**
 * fetch that logs each request and its outcome. Only the method, URL, status, timing and
 * ids: never headers or bodies (they hold the secret and tokens).
 */
const loggingFetch: typeof fetch = async (input, init) => {
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  const url = input instanceof Request ? input.url : String(input);
  const started = Date.now();
  debug(`-> ${method} ${url}`);
  try {
    const response = await fetch(input, init);
    const extras = [
      response.headers.get("x-request-id") && `requestId: ${response.headers.get("x-request-id")}`,
      response.headers.get("retry-after") && `Retry-After: ${response.headers.get("retry-after")}`,
    ].filter(Boolean);
    debug(
      `<- ${response.status} ${method} ${url} in ${formatDuration(Date.now() - started)}` +
        (extras.length > 0 ? ` (${extras.join(", ")})` : ""),
    );
    return response;
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    debug(`<- ${method} ${url} failed after ${formatDuration(Date.now() - started)}: ${reason}`);
    throw error;
  }
};
