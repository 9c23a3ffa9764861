/**
 * Starts an emulator per test and builds clients against it with fast retry settings, so a
 * fault test takes milliseconds of backoff rather than seconds. Every emulator is closed after
 * its test.
 */
import { afterEach } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { createCybridId, type CybridIdOptions } from "../../src/index.js";

export const GUID = "0123456789abcdef0123456789abcdef";

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((emulator) => emulator.close()));
});

export async function emulator(options?: EmulatorOptions): Promise<Emulator> {
  const started = await startEmulator(options);
  open.push(started);
  return started;
}

/** Fast settings: 3 attempts, 20-100 ms backoff, 500 ms per attempt, 5 s deadline. */
export function clientFor(emu: Emulator, overrides: CybridIdOptions = {}) {
  return createCybridId({
    baseUrl: emu.url,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    logger: "silent",
    maxRetries: 2,
    timeout: 500,
    deadline: 5_000,
    backoff: { base: 20, max: 100 },
    ...overrides,
  });
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
