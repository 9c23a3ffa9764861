/**
 * JavaScript-level checks of what `getToken`, `getCustomerToken` and `createCustomerToken` are
 * handed (TypeScript callers get them from the types): an argument of the wrong type is a
 * `ValidationError` (`validation_error`) before anything is sent, not a `TypeError` from deep
 * inside. What a scope or a guid must look like is the spec's, checked by validate.ts.
 */
import { ValidationError } from "../errors/cybrid-id-error.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * An AbortSignal, by shape: a signal of another realm (an iframe, a test environment) fails
 * `instanceof` but works everywhere it is used.
 */
function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    isObject(value) &&
    typeof value.aborted === "boolean" &&
    typeof value.addEventListener === "function" &&
    typeof value.removeEventListener === "function"
  );
}

function fail(what: string, issue: string): never {
  throw new ValidationError(`Invalid ${what}`, [issue]);
}

function checkCommon(input: Record<string, unknown>, what: string): void {
  const { scopes, signal } = input;
  if (scopes !== undefined && !Array.isArray(scopes)) fail(what, "scopes must be an array");
  if (signal !== undefined && !isAbortSignal(signal)) fail(what, "signal must be an AbortSignal");
}

/** `getToken(options?)`: undefined, or an object with optional `scopes` and `signal`. */
export function checkGetTokenInput(input: unknown): void {
  if (input === undefined) return;
  if (!isObject(input)) fail("token request", "options must be an object");
  checkCommon(input, "token request");
}

/** `getCustomerToken(request)` and `createCustomerToken(request)`: an object, required. */
export function checkCustomerTokenInput(input: unknown): void {
  const what = "customer token request";
  if (!isObject(input)) fail(what, "request must be an object { customerGuid, scopes }");
  checkCommon(input, what);
}
