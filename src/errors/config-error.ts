/**
 * Configuration checks shared by `createCybridId` and the store entries: a bad option is a
 * `ValidationError` with code `invalid_configuration`, thrown when the object is built, before
 * anything is sent.
 */
import { ValidationError } from "./cybrid-id-error.js";

/** `what` heads the message ("Invalid configuration: ..."). */
export function configError(what: string, ...issues: string[]): ValidationError {
  return new ValidationError(what, issues, "invalid_configuration");
}

/** A numeric option: `fallback` when omitted, else a finite number of at least `min`. */
export function numberOption(
  value: number | undefined,
  fallback: number,
  name: string,
  min = 0,
  what = "Invalid configuration",
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= min) || !Number.isFinite(value)) {
    throw configError(what, `${name} must be a finite number >= ${min}`);
  }
  return value;
}
