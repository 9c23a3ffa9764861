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

/**
 * The first line of a stack: V8 writes it when the error is made, as `Error.prototype.toString`
 * does (`name: message`, or `name` alone), whatever toString the error has.
 */
const headOf = (error: Error) => Error.prototype.toString.call(error);

/**
 * Redacts `error`'s message (cut to `max`) and stack in place: the stack's head (`head`, the
 * first line it was made with) rebuilt from the redacted message, its frames redacted and
 * capped; a stack of another shape is redacted whole.
 */
function redactMessageAndStack(
  error: Error,
  max: number,
  redactor: Redactor,
  head = headOf(error),
) {
  const { stack } = error;
  error.message = redactor.redactHead(error.message, max);
  error.stack =
    typeof stack !== "string"
      ? undefined
      : stack.startsWith(head)
        ? headOf(error) + redactor.redactHead(stack.slice(head.length), FRAMES_LENGTH)
        : redactor.redactHead(stack, SDK_MESSAGE_LENGTH + FRAMES_LENGTH);
}

/** Redacts `error` in place (it is the SDK's own) and returns it. */
export function redactError(error: CybridIdError, redactor: Redactor): CybridIdError {
  redactMessageAndStack(error, SDK_MESSAGE_LENGTH, redactor);
  // `bodyExcerpt` is readonly to callers only.
  const writable: { bodyExcerpt?: string; cause?: unknown } = error;
  if (error.bodyExcerpt !== undefined) writable.bodyExcerpt = redactor.redact(error.bodyExcerpt);
  if ("cause" in error) {
    // Assigned, the own cause stays what Error made it: not enumerable.
    writable.cause = redactedCause(error.cause, redactor, 1);
    if (writable.cause === undefined) delete writable.cause;
  }
  return error;
}

/** A redacted copy of a cause, or undefined when it cannot be made safe. */
function redactedCause(value: unknown, redactor: Redactor, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof value === "string") return redactor.redactHead(value, MESSAGE_LENGTH);
  if (!(value instanceof Error)) return undefined;
  const inner = (cause: unknown) => redactedCause(cause, redactor, depth + 1);
  try {
    const { code, errors } = value as { code?: unknown; errors?: unknown };
    const cause = "cause" in value ? inner(value.cause) : undefined;
    // The message as it came: redacted below, with the stack that repeats it.
    const copy: Error & { code?: unknown; errors?: unknown[] } = new Error(
      String(value.message),
      cause === undefined ? undefined : { cause },
    );
    // Not enumerable, as on Error.prototype.
    Object.defineProperty(copy, "name", {
      value: redactor.redactHead(String(value.name), ID_LENGTH),
      writable: true,
      configurable: true,
    });
    copy.stack = value.stack;
    redactMessageAndStack(copy, MESSAGE_LENGTH, redactor, headOf(value));
    // `code` (ECONNREFUSED, UND_ERR_SOCKET...) is what callers and our messages branch on.
    if (typeof code === "number") copy.code = code;
    if (typeof code === "string") copy.code = redactor.redactHead(code, ID_LENGTH);
    if (Array.isArray(errors))
      copy.errors = errors
        .slice(0, MAX_ERRORS)
        .map(inner)
        .filter((e) => e !== undefined);
    return copy;
  } catch {
    return undefined; // a getter that throws, a revoked proxy: nothing we can vouch for
  }
}
