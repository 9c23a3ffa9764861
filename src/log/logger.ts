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

/** The levels, most verbose first: a level's index is its rank. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

export function isLogLevel(value: unknown): value is LogLevel {
  return (LOG_LEVELS as readonly unknown[]).includes(value);
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
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (at: LogLevel) => LOG_LEVELS.indexOf(at) >= threshold;
  return {
    enabled,
    log(at, message) {
      if (enabled(at)) sink[at](`[cybrid-id] ${redact(message)}`);
    },
  };
}
