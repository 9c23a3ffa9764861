/**
 * Levelled logging with one rule: nothing secret is ever formatted into a line. Callers pass
 * only ids, counts and error codes; `redact` is a last line of defence on top of that.
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Where log lines go. `console` fits; so does pino or winston. */
export interface LogSink {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** The levels, most verbose first (for messages). */
export const LOG_LEVELS = Object.keys(RANK) as readonly LogLevel[];

/** An own key of RANK only: `in` would take "toString" and the other prototype keys. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

export interface Logger {
  enabled(level: Exclude<LogLevel, "silent">): boolean;
  log(level: Exclude<LogLevel, "silent">, message: string): void;
}

export function createLogger(
  level: LogLevel,
  sink: LogSink,
  redact: (text: string) => string,
): Logger {
  const threshold = RANK[level];
  return {
    enabled: (at) => RANK[at] >= threshold,
    log(at, message) {
      if (RANK[at] >= threshold) sink[at](`[cybrid-id] ${redact(message)}`);
    },
  };
}
