/**
 * The token endpoint goes down inside the refresh window: callers keep the valid token, the
 * background refreshes are spaced by backoff (no storm), and the cache recovers when the
 * endpoint is back. Also: no request is ever sent with an expired bank token.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { GUID, clientFor, emulator, sleep } from "../helpers/client-harness.js";

const TOKEN = "/oauth/token";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("an outage during the refresh window", () => {
  it("serves the valid token, spaces the refreshes, and recovers", async () => {
    // The refresh backoff is full jitter (below 1 s after a first failure): pinned to its
    // middle, 500 ms, so that the count below is exact. The window then opens at 80%.
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const emu = await emulator({ tokenTtlSeconds: 8 });
    const failures: unknown[] = [];
    const cybrid = clientFor(emu, {
      maxRetries: 0,
      hooks: { onRefreshFailed: (e) => failures.push(e) },
    });
    const first = await cybrid.getToken();
    const expiresAt = first.expiresAt.getTime();
    await sleep(expiresAt - 1_150 - Date.now()); // the window opened by 85% (6.8 s of 8)
    emu.inject({ path: TOKEN, status: 503, example: "unavailable", times: Infinity });
    const served: string[] = [];
    const until = expiresAt - 900; // the token is usable until 90% (7.2 s)
    while (Date.now() < until) {
      served.push(
        ...(await Promise.all(Array.from({ length: 100 }, () => cybrid.getToken()))).map(
          (t) => t.accessToken,
        ),
      );
      await sleep(5);
    }
    expect(new Set(served)).toEqual(new Set([first.accessToken]));
    // Hundreds of callers, one failed background refresh: the next waits out its backoff (500 ms).
    expect(emu.count(TOKEN)).toBe(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ servingCached: true });

    emu.clearFaults();
    await sleep(expiresAt - 750 - Date.now()); // past usableUntil: the next caller waits
    const recovered = await cybrid.getToken();
    expect(recovered.accessToken).not.toBe(first.accessToken);
    expect(emu.requests.filter((r) => r.path === TOKEN).map((r) => r.status)).toEqual([
      200, 503, 200,
    ]);
  }, 20_000);

  it("fails callers only once the token has really expired", async () => {
    const emu = await emulator({ tokenTtlSeconds: 1 });
    const cybrid = clientFor(emu, { maxRetries: 0 });
    const { expiresAt } = await cybrid.getToken();
    emu.inject({ path: TOKEN, status: 503, example: "unavailable", times: Infinity });
    await sleep(expiresAt.getTime() - 50 - Date.now());
    await expect(cybrid.getToken()).rejects.toMatchObject({ name: "ServerError", status: 503 });
  });
});

describe("expiry and customer tokens", () => {
  it("never sends an expired bank token", { timeout: 15_000 }, async () => {
    const emu = await emulator({ tokenTtlSeconds: 3, customerTokenTtlSeconds: 1 });
    const cybrid = clientFor(emu);
    const until = Date.now() + 4_000;
    while (Date.now() < until) {
      await cybrid.createCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] });
      await sleep(20);
    }
    const mints = emu.requests.filter((r) => r.path === "/api/customer_tokens");
    expect(mints.length).toBeGreaterThan(50);
    expect(mints.every((r) => r.bearer?.valid === true)).toBe(true);
    // A 3 s token refreshed at 75-85% of its lifetime, the lifetime counted from the
    // server's whole-second issue time: 2 to 5 token requests in 4 s.
    expect(emu.count(TOKEN)).toBeGreaterThanOrEqual(2);
    expect(emu.count(TOKEN)).toBeLessThanOrEqual(5);
  });
});
