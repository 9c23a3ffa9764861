/**
 * Builds clients against per-test emulators (closed after each test, see emulator-fixture)
 * with fast retry settings, so a fault test takes milliseconds of backoff rather than seconds.
 */
import type { Emulator } from "../../src/emulator/index.js";
import { createCybridId, type CybridId, type CybridIdOptions } from "../../src/index.js";
import { collectingSink, watch } from "./leak-watch.js";

export { emulator } from "./emulator-fixture.js";

export const GUID = "0123456789abcdef0123456789abcdef";

/**
 * Fast settings: 3 attempts, 20-100 ms backoff, 5 s deadline. The 2 s per attempt leaves room
 * for a loaded 2-core machine; tests about timeouts set their own. Logs go, at debug level, to
 * the leak watch, which also sees every error and checks them all for secrets.
 */
export function clientFor(emu: Emulator, overrides: CybridIdOptions = {}): CybridId {
  const options: CybridIdOptions = {
    baseUrl: emu.url,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    logger: { level: "debug", sink: collectingSink },
    maxRetries: 2,
    timeout: 2_000,
    deadline: 5_000,
    backoff: { base: 20, max: 100 },
    ...overrides,
  };
  return watch(emu, createCybridId(options), options.clientSecret ?? "", options.clientId);
}

/** What `make` throws, or a failed assertion if it returned. */
export function thrownBy(make: () => unknown): any {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, but it returned");
}

/** The promise's rejection, or a failed assertion if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
