/**
 * The last step before an error leaves the SDK: nothing in it may hold a secret. Its message,
 * stack and excerpt are redacted, and its `cause` (what a custom fetch threw, which may quote
 * the request body) is replaced by a redacted copy, because `util.inspect`, `JSON.stringify`
 * (see `toJSON`) and loggers print causes in full.
 *
 * A copy is a plain `Error` with the original's name, message, stack, `code` and (for an
 * AggregateError) `errors`, each redacted, and its own cause copied the same way down to
 * MAX_DEPTH. A thrown string is kept, redacted; any other thrown value, or one whose properties
 * cannot be read, is dropped: what cannot be redacted is not carried.
 */
import type { Redactor } from "../log/redactor.js";
import type { CybridIdError } from "./cybrid-id-error.js";
import { ID_LENGTH, MESSAGE_LENGTH } from "./error-body.js";

/** Causes nest this deep at most; deeper ones are dropped. */
const MAX_DEPTH = 5;
/** The frames of a stack (10 lines by default in V8), after its first line. */
const FRAMES_LENGTH = 4000;
/** An SDK message: the server's text (MESSAGE_LENGTH) plus operation, status, code and ids. */
const SDK_MESSAGE_LENGTH = MESSAGE_LENGTH + 500;
/** An AggregateError's errors kept (happy eyeballs gives one per address tried). */
const MAX_ERRORS = 10;

/** Redacts `error` in place (it is the SDK's own) and returns it. */
export function redactError(error: CybridIdError, redactor: Redactor): CybridIdError {
  const { message, stack } = error;
  const clean = redactor.redactHead(message, SDK_MESSAGE_LENGTH);
  if (clean !== message) error.message = clean;
  const cleanStack = redactedStack(stack, error.name, message, clean, redactor);
  if (cleanStack !== stack) error.stack = cleanStack;
  if (error.bodyExcerpt !== undefined) {
    const excerpt = redactor.redact(error.bodyExcerpt);
    if (excerpt !== error.bodyExcerpt)
      Object.defineProperty(error, "bodyExcerpt", { value: excerpt });
  }
  if ("cause" in error) {
    const cause = redactedCause(error.cause, redactor, 1);
    if (cause === undefined) delete (error as { cause?: unknown }).cause;
    else
      Object.defineProperty(error, "cause", {
        value: cause,
        writable: true,
        configurable: true,
        enumerable: false,
      });
  }
  return error;
}

/**
 * `stack` with its first line (`name: message`, written when the error was made) rebuilt from
 * the redacted message, and its frames redacted and capped.
 */
function redactedStack(
  stack: unknown,
  name: string,
  message: string,
  cleanMessage: string,
  redactor: Redactor,
): string | undefined {
  if (typeof stack !== "string") return undefined;
  const header = message === "" ? name : `${name}: ${message}`;
  if (!stack.startsWith(header))
    return redactor.redactHead(stack, SDK_MESSAGE_LENGTH + FRAMES_LENGTH);
  const frames = redactor.redactHead(stack.slice(header.length), FRAMES_LENGTH);
  return `${cleanMessage === "" ? name : `${name}: ${cleanMessage}`}${frames}`;
}

/** A redacted copy of a cause, or undefined when it cannot be made safe. */
function redactedCause(value: unknown, redactor: Redactor, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof value === "string") return redactor.redactHead(value, MESSAGE_LENGTH);
  if (!(value instanceof Error)) return undefined;
  try {
    const name = redactor.redactHead(String(value.name), ID_LENGTH);
    const message = redactor.redactHead(String(value.message), MESSAGE_LENGTH);
    const copy = new Error(message);
    Object.defineProperty(copy, "name", { value: name, writable: true, configurable: true });
    copy.stack = redactedStack(
      value.stack,
      String(value.name),
      String(value.message),
      message,
      redactor,
    );
    const { code, errors } = value as { code?: unknown; errors?: unknown };
    // `code` (ECONNREFUSED, UND_ERR_SOCKET...) is what callers and our messages branch on.
    if (typeof code === "number") Object.assign(copy, { code });
    if (typeof code === "string")
      Object.assign(copy, { code: redactor.redactHead(code, ID_LENGTH) });
    if (Array.isArray(errors)) {
      const kept = errors.slice(0, MAX_ERRORS).map((e) => redactedCause(e, redactor, depth + 1));
      Object.assign(copy, { errors: kept.filter((e) => e !== undefined) });
    }
    if ("cause" in value) {
      const cause = redactedCause(value.cause, redactor, depth + 1);
      if (cause !== undefined)
        Object.defineProperty(copy, "cause", { value: cause, writable: true, configurable: true });
    }
    return copy;
  } catch {
    return undefined; // a getter that throws, a revoked proxy: nothing we can vouch for
  }
}
