/**
 * The emulator's signing key is made when it starts, off the event loop: the first token
 * request must not stall the process for a blocking RSA key generation (over a second on a
 * loaded machine), which a client under test in the same process would see as its own timers
 * running late.
 */
import { expect, it, vi } from "vitest";

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
  const { startEmulator } = await import("../../src/emulator/index.js");
  const { verifyJwt } = await import("../../src/emulator/jwt.js");
  const emu = await startEmulator();
  try {
    const response = await fetch(`${emu.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "client_credentials",
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
      }),
    });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    expect(verifyJwt(access_token).ok).toBe(true);
    expect(blocking.calls).toBe(0);
  } finally {
    await emu.close();
  }
});
