/**
 * The checks of the stores' own options (`MemoryTokenStore`, `secureTokenStore` and so
 * `redisTokenStore`). Their `timeout` and `lockTtl` of earlier builds, now the client's
 * options, are refused where they were taken, because ignored they would leave a fleet on the
 * defaults without a word.
 */
import { configError } from "../errors/config-error.js";

const MOVED = { timeout: "storeTimeout", lockTtl: "storeLockTtl" };

/** Throws a `ValidationError` (code `invalid_configuration`) naming what is wrong. */
export function checkStoreOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) {
    throw configError("Invalid token store configuration", "options must be an object");
  }
  const issues = Object.entries(MOVED)
    .filter(([old]) => (options as Record<string, unknown>)[old] !== undefined)
    .map(([old, now]) => `${old} is now the client's option ${now} (createCybridId)`);
  if (issues.length > 0) throw configError("Invalid token store configuration", ...issues);
}
