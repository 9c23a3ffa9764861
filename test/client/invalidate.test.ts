/**
 * invalidate() fences in-flight requests: after it, only a request sent after it may supply a
 * token, with or without a shared store in front.
 */
import { describe, expect, it } from "vitest";
import { MemoryTokenStore } from "../../src/store/index.js";
import { clientFor, emulator, sleep } from "../helpers/client-harness.js";

const TOKEN = "/oauth/token";

describe("invalidate()", () => {
  it.each([
    ["in memory", () => undefined],
    ["with a shared store", () => new MemoryTokenStore()],
  ])(
    "%s: a request sent before it neither serves later callers nor fills the cache",
    async (_, store) => {
      const emu = await emulator();
      // Generous timeouts: a retry on a loaded machine would add a request of its own.
      const cybrid = clientFor(emu, { store: store(), timeout: 10_000, deadline: 20_000 });
      emu.inject({ path: TOKEN, delayMs: 400 });
      const before = cybrid.getToken();
      await sleep(100); // the first request is on its way
      const invalidatedAt = Date.now();
      cybrid.invalidate();
      const after = await cybrid.getToken();
      const early = await before;

      expect(after.accessToken).not.toBe(early.accessToken);
      const sent = emu.requests.filter((r) => r.path === TOKEN).map((r) => r.receivedAt);
      expect(sent).toHaveLength(2);
      expect(sent[1]).toBeGreaterThanOrEqual(invalidatedAt);
      // The late answer to the first request did not replace the new token in the cache.
      await sleep(50);
      expect((await cybrid.getToken()).accessToken).toBe(after.accessToken);
      expect(emu.count(TOKEN)).toBe(2);
    },
  );
});
