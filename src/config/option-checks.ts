/**
 * JavaScript-level shape checks of `createCybridId`'s options (TypeScript callers get them from
 * the types; JavaScript callers and `as any` do not): each wrong type is a `ValidationError`
 * (`invalid_configuration`) when the client is made, not a `TypeError` on the first call. The
 * spec's own rules (what a scope looks like) are checked per request by the generated
 * validators, not here.
 */
import { readEnv } from "./environments.js";
import { configError } from "../errors/config-error.js";
import { isLogLevel, LOG_LEVELS, type LogLevel, type LogSink } from "../log/logger.js";

/** Heads the message of every configuration error of `createCybridId`. */
export const CONFIG = "Invalid configuration";

/** The error for wrong options, one issue each. */
export const invalid = (...issues: string[]) => configError(CONFIG, ...issues);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** An object-shaped option: `{}` when omitted; anything but an object is refused with `message`. */
export function objectOption(value: unknown, message: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (isObject(value)) return value;
  throw invalid(message);
}

/**
 * An option that takes one of a few strings, the first when omitted. JavaScript callers may
 * pass anything, and a typo must not silently change what is sent (where the secret goes, how
 * the body is encoded).
 */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (value === undefined) return allowed[0]!;
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  throw invalid(`${name} must be one of ${allowed.join(", ")}`);
}

/** An array of strings, or undefined. */
export function checkScopesOption(scopes: unknown): readonly string[] | undefined {
  if (scopes === undefined) return undefined;
  if (Array.isArray(scopes) && scopes.every((scope) => typeof scope === "string")) return scopes;
  throw invalid("scopes must be an array of strings");
}

/**
 * `logger`: a level, or `{ level?, sink? }` with a sink that has the four level methods. With no
 * level, CYBRID_ID_LOG's.
 */
export function checkLogger(logger: unknown): { level: LogLevel; sink: LogSink } {
  const { level, sink = console }: { level?: unknown; sink?: unknown } =
    typeof logger === "string"
      ? { level: logger }
      : objectOption(logger, "logger must be a level or { level, sink }");
  const methods = ["debug", "info", "warn", "error"];
  if (!isObject(sink) || !methods.every((method) => typeof sink[method] === "function")) {
    throw invalid("logger sink must have debug, info, warn and error methods");
  }
  return {
    level:
      level === undefined
        ? envLogLevel(sink as unknown as LogSink)
        : oneOf(level, LOG_LEVELS, "logger level"),
    sink: sink as unknown as LogSink,
  };
}

let warnedOfEnvLevel = false;

/**
 * CYBRID_ID_LOG, read only when the options name no level. An unknown value is "warn" (an
 * environment variable must not break start-up), said once per process on the sink; the value
 * itself is not repeated (environments hold secrets).
 */
function envLogLevel(sink: LogSink): LogLevel {
  const level = readEnv("CYBRID_ID_LOG") ?? "warn";
  if (isLogLevel(level)) return level;
  if (!warnedOfEnvLevel) {
    warnedOfEnvLevel = true;
    sink.warn(`[cybrid-id] CYBRID_ID_LOG is not one of ${LOG_LEVELS.join(", ")}; using warn`);
  }
  return "warn";
}

/** `hooks`: an object whose hooks are functions. */
export function checkHooks<T extends object>(hooks: T | undefined): T {
  const checked = objectOption(hooks, "hooks must be an object of functions");
  for (const [name, hook] of Object.entries(checked)) {
    if (hook !== undefined && typeof hook !== "function") {
      throw invalid(`hooks.${name} must be a function`);
    }
  }
  return checked as T;
}

/**
 * The token path, appended to `baseUrl` as is (by openapi-fetch): it must stay a path, or
 * ".evil.example/x" would send the secret to another host. One leading `/`, no query or
 * fragment, and the joined URL must keep `baseUrl`'s origin.
 */
export function checkTokenPath(baseUrl: string, raw: unknown): string {
  const shaped = typeof raw === "string" && /^\/(?![/\\])[^?#\\]*$/.test(raw);
  if (!shaped || new URL(baseUrl + raw).origin !== new URL(baseUrl).origin) {
    throw invalid("tokenPath must be a path: one leading /, no host, query or fragment");
  }
  return raw;
}
