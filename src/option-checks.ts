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

/**
 * `tokenPath` is appended to `baseUrl` as text: without its leading slash, "evil.example/x"
 * would move the request, and the client secret with it, to another host.
 */
export function checkTokenPath(path: unknown): string {
  if (path === undefined) return "/oauth/token";
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw configError(CONFIG, 'tokenPath must be a path starting with "/"');
  }
  return path;
}

export function checkTokenEncoding(encoding: unknown): "json" | "form" {
  if (encoding === undefined) return "json";
  if (encoding !== "json" && encoding !== "form") {
    throw configError(CONFIG, 'tokenEncoding must be "json" or "form"');
  }
  return encoding;
}
