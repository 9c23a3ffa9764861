/**
 * JavaScript-level shape checks of `createCybridId`'s options (TypeScript callers get them from
 * the types; JavaScript callers and `as any` do not): each wrong type is a `ValidationError`
 * (`invalid_configuration`) when the client is made, not a `TypeError` on the first call. The
 * spec's own rules (what a scope looks like) are checked per request by the generated
 * validators, not here.
 */
import { configError } from "./errors/config-error.js";
import { isLogLevel, LOG_LEVELS, type LogLevel, type LogSink } from "./log/logger.js";

const CONFIG = "Invalid configuration";

/** Where the client credentials go on a token request (OAuth's registered method names). */
export type ClientAuthentication = "client_secret_post" | "client_secret_basic";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** An array of strings, or undefined. */
export function checkScopesOption(scopes: unknown): readonly string[] | undefined {
  if (scopes === undefined) return undefined;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string")) {
    throw configError(CONFIG, "scopes must be an array of strings");
  }
  return scopes as readonly string[];
}

/** `logger`: a level, or `{ level?, sink? }` with a sink that has the four level methods. */
export function checkLogger(logger: unknown): { level?: LogLevel; sink?: LogSink } {
  if (logger === undefined) return {};
  let level: unknown;
  let sink: unknown;
  if (typeof logger === "string") level = logger;
  else if (isObject(logger)) ({ level, sink } = logger);
  else throw configError(CONFIG, "logger must be a level or { level, sink }");
  if (level !== undefined && !isLogLevel(level)) {
    throw configError(CONFIG, `logger level must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const methods = ["debug", "info", "warn", "error"] as const;
  const sinkOk = isObject(sink) && methods.every((method) => typeof sink[method] === "function");
  if (sink !== undefined && !sinkOk) {
    throw configError(CONFIG, "logger sink must have debug, info, warn and error methods");
  }
  return { level, sink: sink as LogSink | undefined };
}

/** `hooks`: an object whose hooks are functions. */
export function checkHooks<T extends object>(hooks: T | undefined): T {
  if (hooks === undefined) return {} as T;
  if (!isObject(hooks)) throw configError(CONFIG, "hooks must be an object of functions");
  for (const [name, hook] of Object.entries(hooks)) {
    if (hook !== undefined && typeof hook !== "function") {
      throw configError(CONFIG, `hooks.${name} must be a function`);
    }
  }
  return hooks;
}

/** `backoff`: undefined or an object (its numbers are checked by numberOption). */
export function checkBackoff(backoff: unknown): { base?: unknown; max?: unknown } {
  if (backoff === undefined) return {};
  if (!isObject(backoff)) throw configError(CONFIG, "backoff must be an object { base, max }");
  return backoff;
}

/** `pacing`: undefined (the defaults), `false`, or an object (numbers: numberOption). */
export function checkPacing(pacing: unknown): { maxInFlight?: unknown } | false {
  if (pacing === false) return false;
  if (pacing === undefined) return {};
  if (!isObject(pacing)) throw configError(CONFIG, "pacing must be false or { maxInFlight }");
  return pacing;
}

/**
 * The token path, appended to `baseUrl` as is (by openapi-fetch): it must stay a path, or
 * ".evil.example/x" would send the secret to another host. One leading `/`, no query or
 * fragment, and the joined URL must keep `baseUrl`'s origin.
 */
export function checkTokenPath(baseUrl: string, raw: unknown): string {
  const shaped = typeof raw === "string" && /^\/(?![/\\])[^?#\\]*$/.test(raw);
  if (!shaped || new URL(baseUrl + raw).origin !== new URL(baseUrl).origin) {
    throw configError(
      CONFIG,
      "tokenPath must be a path that starts with a single / (no host, query or fragment)",
    );
  }
  return raw;
}

export function checkClientAuthentication(value: unknown): ClientAuthentication {
  // JavaScript callers may pass anything; a typo must not silently send the secret elsewhere.
  if (value === undefined || value === "client_secret_post") return "client_secret_post";
  if (value === "client_secret_basic") return value;
  throw configError(
    CONFIG,
    'clientAuthentication must be "client_secret_post" or "client_secret_basic"',
  );
}

export function checkTokenEncoding(encoding: unknown): "json" | "form" {
  if (encoding === undefined) return "json";
  if (encoding !== "json" && encoding !== "form") {
    throw configError(CONFIG, 'tokenEncoding must be "json" or "form"');
  }
  return encoding;
}
