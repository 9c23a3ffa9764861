/**
 * The stores' own `timeout` and `lockTtl` of before v2, now the client's options: refused where
 * they were taken (`MemoryTokenStore`, `secureTokenStore` and so `redisTokenStore`), because
 * ignored they would leave a fleet on the defaults without a word.
 */
import { configError } from "../errors/config-error.js";

const MOVED = { timeout: "storeTimeout", lockTtl: "storeLockTtl" };

/** Throws a `ValidationError` (code `invalid_configuration`) naming the client's options. */
export function refuseMovedOptions(options: object | undefined): void {
  const issues = Object.entries(MOVED)
    .filter(([old]) => (options as Record<string, unknown> | undefined)?.[old] !== undefined)
    .map(([old, now]) => `${old} is now the client's option ${now} (createCybridId)`);
  if (issues.length > 0) throw configError("Invalid token store configuration", ...issues);
}
