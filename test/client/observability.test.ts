/** The logger option (and CYBRID_ID_LOG) and the metrics hooks. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCybridId } from "../../src/index.js";
import { GUID, clientFor, emulator, sleep } from "../helpers/client-harness.js";
import { recordingSink } from "../helpers/leak-watch.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

const sinkFor = (lines: string[]) => recordingSink(lines).sink;

describe("hooks", () => {
  it("report fetches, cache hits, scheduled retries and failed refreshes", async () => {
    const emu = await emulator();
    const events: string[] = [];
    const cybrid = clientFor(emu, {
      maxRetries: 1,
      hooks: {
        onTokenFetched: (e) => events.push(`fetched ${e.kind} ${e.attempts}`),
        onTokenServedFromCache: (e) => events.push(`cached ${e.kind}`),
        onRetryScheduled: (e) => events.push(`retry ${e.retry} ${e.status}`),
        onRefreshFailed: (e) => events.push(`failed ${e.kind} ${e.servingCached}`),
      },
    });
    emu.inject({ path: "/oauth/token", status: 503, example: "unavailable" });
    await cybrid.getToken();
    await cybrid.getToken();
    emu.inject({ path: "/oauth/token", status: 503, example: "unavailable", times: Infinity });
    cybrid.invalidate();
    await expect(cybrid.getToken()).rejects.toThrow();
    // The failure is thrown to the caller: onRefreshFailed is for background refreshes only.
    expect(events).toEqual(["retry 1 503", "fetched bank 2", "cached bank", "retry 1 503"]);
  });

  it("report each failure once: a thrown one at debug only, a background one to onRefreshFailed", async () => {
    const emu = await emulator({ tokenTtlSeconds: 4 });
    const lines: string[] = [];
    const failed: { kind: string; servingCached: boolean }[] = [];
    const cybrid = clientFor(emu, {
      maxRetries: 0,
      logger: { level: "debug", sink: sinkFor(lines) },
      hooks: { onRefreshFailed: (e) => failed.push(e) },
    });
    emu.inject({ path: "/oauth/token", status: 503, example: "unavailable" });
    await expect(cybrid.getToken()).rejects.toMatchObject({ status: 503 });
    await expect(
      cybrid.getCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] }),
    ).resolves.toBeTruthy();
    emu.inject({ path: "/api/customer_tokens", status: 503, example: "unavailable" });
    await expect(
      cybrid.createCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] }),
    ).rejects.toMatchObject({ status: 503 });
    expect(failed).toEqual([]);
    expect(lines.filter((l) => /^(warn|error) /.test(l))).toEqual([]);
    expect(
      lines.some((l) => /^debug .*bank token fetch failed \(service_unavailable\)/.test(l)),
    ).toBe(true);

    // Inside the refresh window the caller gets the cached token; the refresh fails behind it.
    // 4 s tokens: the window opens by 3.4 s at the latest and the token is usable until 3.6 s.
    const { expiresAt } = await cybrid.getToken();
    await sleep(expiresAt.getTime() - 500 - Date.now());
    emu.inject({ path: "/oauth/token", status: 503, example: "unavailable" });
    await cybrid.getToken();
    await sleep(100);
    expect(failed).toEqual([expect.objectContaining({ kind: "bank", servingCached: true })]);
    expect(lines.filter((l) => /^(warn|error) /.test(l))).toEqual([
      expect.stringMatching(/^warn .*bank token refresh failed .*still serving the cached token/),
    ]);
  });
});

describe("logger", () => {
  it("logs at and above its level", async () => {
    const emu = await emulator();
    const lines: string[] = [];
    emu.inject({ path: "/oauth/token", status: 503, example: "unavailable" });
    await clientFor(emu, { logger: { level: "info", sink: sinkFor(lines) } }).getToken();
    expect(
      lines.some((l) => l.startsWith("info [cybrid-id] POST /oauth/token: 503, retry 1")),
    ).toBe(true);
    expect(
      lines.some((l) => l.startsWith("info [cybrid-id] POST /oauth/token: bank token fetched")),
    ).toBe(true);

    const quiet: string[] = [];
    emu.inject({ path: "/oauth/token", status: 503, example: "unavailable" });
    await clientFor(emu, { logger: { level: "warn", sink: sinkFor(quiet) } }).getToken();
    expect(quiet).toEqual([]);
  });

  it("takes its level from CYBRID_ID_LOG when the option names none", async () => {
    const emu = await emulator();
    vi.stubEnv("CYBRID_ID_LOG", "info");
    const lines: string[] = [];
    const cybrid = createCybridId({
      baseUrl: emu.url,
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
      logger: { sink: sinkFor(lines) },
    });
    await cybrid.getToken();
    expect(lines.length).toBeGreaterThan(0);
  });

  it("takes credentials and the base URL from the environment", async () => {
    const emu = await emulator();
    vi.stubEnv("CYBRID_ID_URL", emu.url);
    vi.stubEnv("CYBRID_CLIENT_ID", emu.clientId);
    vi.stubEnv("CYBRID_CLIENT_SECRET", emu.clientSecret);
    expect((await createCybridId({ logger: "silent" }).getToken()).accessToken).toBeTruthy();
  });
});
