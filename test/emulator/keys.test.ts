/**
 * The emulator's signing key is made when it starts, off the event loop: the first token
 * request must not stall the process for a blocking RSA key generation (over a second on a
 * loaded machine), which a client under test in the same process would see as its own timers
 * running late.
 */
import { expect, it, vi } from "vitest";
import { verifyJwt } from "../../src/emulator/jwt.js";
import { bankToken, emulator } from "../helpers/emulator-fixture.js";

const blocking = vi.hoisted(() => ({ calls: 0 }));
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  return {
    ...crypto,
    generateKeyPairSync: ((...args: Parameters<typeof crypto.generateKeyPairSync>) => {
      blocking.calls += 1;
      return crypto.generateKeyPairSync(...args);
    }) as typeof crypto.generateKeyPairSync,
  };
});

it("startEmulator makes the key pair without blocking; tokens are signed with it", async () => {
  const emu = await emulator();
  expect(verifyJwt(await bankToken(emu)).ok).toBe(true);
  expect(blocking.calls).toBe(0);
});
