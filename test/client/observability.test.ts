/** The logger option (and CYBRID_ID_LOG) and the metrics hooks. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCybridId } from "../../src/index.js";
import { clientFor, emulator } from "../helpers/client-harness.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

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
    expect(events).toEqual([
      "retry 1 503",
      "fetched bank 2",
      "cached bank",
      "retry 1 503",
      "failed bank false",
    ]);
  });
});

describe("logger", () => {
  const sinkFor = (lines: string[]) => ({
    debug: (l: string) => lines.push(`debug ${l}`),
    info: (l: string) => lines.push(`info ${l}`),
    warn: (l: string) => lines.push(`warn ${l}`),
    error: (l: string) => lines.push(`error ${l}`),
  });

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
