/**
 * The checks of `createCybridId`'s options, one a function: credentials, numbers, shapes, the
 * store. TypeScript callers get the shapes from the types; JavaScript callers and `as any` do
 * not: each wrong value is a `ValidationError` (`invalid_configuration`) when the client is
 * made, naming the option, never its value (it may be a secret), not a `TypeError` on the first
 * call. The spec's own rules (what a scope looks like) are the generated validators' (through
 * validate.ts), for the `scopes` option as for each request.
 */
import { readEnv } from "./environments.js";
import type { StoreSettings, TokenStore } from "./token-store.js";
import { configError } from "../errors/config-error.js";
import { MAX_TIMER_MS } from "../retry/timers.js";
import { isStringArray } from "../validation/call-input.js";
import { credentialIssues, scopeListIssues } from "../validation/validate.js";
import { isLogLevel, LOG_LEVELS, type LogLevel, type LogSink } from "../log/logger.js";

/** Heads the message of every configuration error of `createCybridId`. */
export const CONFIG = "Invalid configuration";

/** The error for wrong options, one issue each. */
export const invalid = (...issues: string[]) => configError(CONFIG, ...issues);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** An object with each of `methods` (a logger sink, a store), checked before a call needs one. */
export const hasMethods = (value: unknown, methods: readonly string[]) =>
  isObject(value) && methods.every((method) => typeof value[method] === "function");

/**
 * Shorter client secrets are refused: a secret is redacted from whatever a server echoes,
 * and a few characters would also match ordinary words, or be guessed from what is left.
 */
export const MIN_CLIENT_SECRET_LENGTH = 8;

/** What is wrong with one credential (at least `min` characters), or false. */
function credentialIssue(name: string, value: unknown, min: number): string | false {
  if (value === undefined || value === "") return `${name} is required`;
  if (typeof value !== "string") return `${name} must be a string`;
  return value.length < min && `${name} must be at least ${min} characters`;
}

/** `clientId` and `clientSecret` (from the options or the environment): both issues at once. */
export function checkCredentials(
  clientId: unknown,
  clientSecret: unknown,
): { clientId: string; clientSecret: string } {
  const issues = [
    credentialIssue("clientId", clientId, 1),
    credentialIssue("clientSecret", clientSecret, MIN_CLIENT_SECRET_LENGTH),
  ].filter((issue) => issue !== false);
  if (issues.length > 0) throw invalid(...issues);
  // Strings now: the spec's own limits on them (their lengths), from its compiled validator.
  const specIssues = credentialIssues(clientId as string, clientSecret as string);
  if (specIssues.length > 0) throw invalid(...specIssues);
  return { clientId, clientSecret } as { clientId: string; clientSecret: string };
}

/**
 * A numeric option (ms or a count): `fallback` when omitted, else an integer from `min` to
 * 2^31-1. Every ms option ends up in a timer, which takes no more (Node fires a larger delay
 * after 1 ms, `AbortSignal.timeout` throws a RangeError) and no fractions (`AbortSignal.timeout`
 * throws); no count needs more. Out of range is an error rather than clamped: a silent change
 * of a timeout is a surprise found in production.
 */
export function numberOption(value: unknown, fallback: number, name: string, min = 0): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > MAX_TIMER_MS) {
    throw invalid(`${name} must be an integer from ${min} to ${MAX_TIMER_MS}`);
  }
  return value as number;
}

/**
 * Numeric options of one object (the options, `backoff`, `pacing`) by name: [default, minimum
 * (0 when omitted)]. Each is an integer up to 2^31-1 (numberOption says why); `prefix` names the
 * group in messages.
 */
export function numbers<K extends string>(
  from: Partial<Record<NoInfer<K>, unknown>>,
  table: Record<K, readonly [number, number?]>,
  prefix = "",
): Record<K, number> {
  const resolved = {} as Record<K, number>;
  for (const name in table) {
    const [fallback, min] = table[name];
    resolved[name] = numberOption(from[name], fallback, prefix + name, min);
  }
  return resolved;
}

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

/**
 * An array of scopes the spec accepts (checked by the generated validators, as a request's
 * would be), or undefined. A wrong default is found when the client is made, not on the first
 * `getToken()`.
 */
export function checkScopesOption(scopes: unknown): readonly string[] | undefined {
  if (scopes === undefined) return undefined;
  const issues = isStringArray(scopes)
    ? scopeListIssues(scopes)
    : ["scopes must be an array of strings"];
  if (issues.length > 0) throw invalid(...issues);
  return scopes as readonly string[];
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
  if (!hasMethods(sink, ["debug", "info", "warn", "error"])) {
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

/** The store and how the client uses it; its numbers are checked even without a store. */
export function checkStore(options: {
  store?: TokenStore;
  storeTimeout?: number;
  storeLockTtl?: number;
}): StoreSettings | undefined {
  const { storeTimeout: timeoutMs, storeLockTtl: lockTtlMs } = numbers(options, {
    storeTimeout: [250],
    storeLockTtl: [10_000, 1],
  });
  const { store } = options;
  // JavaScript callers may pass null: no store, as undefined.
  if (store == null) return undefined;
  // Refused here: a store without its methods would fail every call, bypassed with a warning.
  if (!hasMethods(store, ["get", "set", "acquire", "release"]))
    throw invalid("store must be a TokenStore: get, set, acquire and release methods");
  return { store, timeoutMs, lockTtlMs };
}
