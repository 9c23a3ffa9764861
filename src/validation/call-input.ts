/**
 * JavaScript-level checks of what `getToken`, `getCustomerToken`, `createCustomerToken`,
 * `invalidate` and `onInvalidate` are handed (TypeScript callers get them from the types): an argument of the wrong type is a
 * `ValidationError` (`validation_error`) before anything is sent, not a `TypeError` from deep
 * inside. What a scope or a guid must look like is the spec's, checked by validate.ts.
 */
import { ValidationError } from "../errors/cybrid-id-error.js";

/**
 * An array whose every entry is a string: scopes, wherever a caller hands them over. A hole
 * (`[a, , b]`) is no string: `findIndex` visits it, where `every` would skip it (and the
 * scopes would go out joined as "a  b").
 */
export const isStringArray = (value: unknown): value is readonly string[] =>
  Array.isArray(value) && value.findIndex((entry) => typeof entry !== "string") < 0;

/**
 * An AbortSignal, by shape: a signal of another realm (an iframe, a test environment) fails
 * `instanceof` but works everywhere it is used.
 */
const isAbortSignal = (value: Record<string, unknown>) =>
  typeof value.aborted === "boolean" &&
  typeof value.addEventListener === "function" &&
  typeof value.removeEventListener === "function";

/**
 * `input` is an object (else `wrongType` is the issue) whose `customerGuid`, `scopes` and
 * `signal` fit. The cache keys by the guid as a string: [guid] must not find guid's slot.
 */
function checkInput(input: unknown, what: string, wrongType: string): void {
  const { customerGuid, scopes, signal } = (input ?? {}) as Record<string, unknown>;
  const issue =
    typeof input !== "object" || input === null
      ? wrongType
      : customerGuid !== undefined && typeof customerGuid !== "string"
        ? "customerGuid must be a string"
        : scopes !== undefined && !isStringArray(scopes)
          ? "scopes must be an array of strings"
          : signal !== undefined && !isAbortSignal(Object(signal))
            ? "signal must be an AbortSignal"
            : undefined;
  if (issue) throw new ValidationError(`Invalid ${what}`, [issue]);
}

/** `getToken(options?)`: undefined, or an object with optional `scopes` and `signal`. */
export function checkGetTokenInput(input: unknown): void {
  if (input !== undefined) checkInput(input, "token request", "options must be an object");
}

/** `getCustomerToken(request)` and `createCustomerToken(request)`: an object, required. */
export function checkCustomerTokenInput(input: unknown): void {
  checkInput(input, "customer token request", "request must be an object { customerGuid, scopes }");
}

/** `onInvalidate(listener)`: a function (it is called later, where a TypeError would be lost). */
export function checkListener(listener: unknown): void {
  if (typeof listener !== "function") {
    throw new ValidationError("Invalid onInvalidate listener", ["listener must be a function"]);
  }
}

/**
 * `invalidate(accessToken?)`: undefined, or the token a server rejected, bare or as the
 * `Authorization` value that carried it (`Bearer <token>`, as a bank SDK error shows it). Its
 * bare form.
 */
export function tokenToDrop(accessToken: unknown): string | undefined {
  if (accessToken === undefined) return undefined;
  // Trimmed: a token has no whitespace, and one copied with some would silently drop nothing.
  const bare =
    typeof accessToken === "string" ? accessToken.trim().replace(/^bearer(\s+|$)/i, "") : "";
  if (!bare) {
    throw new ValidationError("Invalid token to invalidate", [
      "accessToken must be a token (or `Bearer <token>`), or left out to drop every token",
    ]);
  }
  return bare;
}
