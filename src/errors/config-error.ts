/**
 * The configuration error, shared by `createCybridId`, the stores and the bank-SDK bridge: a
 * bad option is a `ValidationError` with code `invalid_configuration`, thrown when the object is
 * built, before anything is sent.
 */
import { ValidationError } from "./cybrid-id-error.js";
import { ERROR_CODES } from "./error-codes.js";

/** `what` heads the message ("Invalid configuration: ..."). */
export function configError(what: string, ...issues: string[]): ValidationError {
  return new ValidationError(what, issues, ERROR_CODES.INVALID_CONFIGURATION);
}
