/**
 * Suites of the SDK fake the global timers to walk through token lifetimes; the emulator's
 * own waits (delays, slow bodies) run on node:timers and must not freeze with them.
 */
import { afterEach, expect, it, vi } from "vitest";
import { emulator, requestToken } from "../helpers/emulator-fixture.js";

afterEach(() => {
  vi.useRealTimers();
});

it("delays and slow bodies run on real timers while a test fakes the global ones", async () => {
  const emu = await emulator();
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  emu.inject({ delayMs: 30, slowBodyMs: 30 });
  const answer = await requestToken(emu, {
    client_id: emu.clientId,
    client_secret: emu.clientSecret,
  });
  expect(answer.status).toBe(200);
});
