/**
 * The acceptance tests of the shared store: separate OS processes (fleet-worker.ts) sharing a
 * real redis-server, against the emulator running in this process.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { emulator, sleep } from "../helpers/client-harness.js";
import { describeRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";
import type { Emulator } from "../../src/emulator/index.js";
import { killFleet, startFleet, stopFleet, waitFor, type Worker } from "./fleet.js";
import type { WorkerConfig } from "./fleet-worker.js";

const TOKEN_PATH = "/oauth/token";

describeRedis("a fleet sharing a Redis token store", () => {
  let redis: RedisServer;

  /** `size` worker processes, clients of `emu` sharing the test's Redis. */
  function fleetOf(
    emu: Emulator,
    size: number,
    config: Omit<WorkerConfig, "url" | "clientId" | "clientSecret" | "redisPort">,
  ) {
    const { url, clientId, clientSecret } = emu;
    return startFleet(size, { url, clientId, clientSecret, redisPort: redis.port, ...config });
  }
  let fleet: Worker[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    killFleet(fleet);
    await Promise.all(fleet.map((worker) => worker.exited));
    fleet = [];
    if (redis) {
      await redis.stop();
      await redis.start();
    }
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("8 processes x 1,000 concurrent calls, over 3 lifetimes: one token request per lifetime", async () => {
    const emu = await emulator({ tokenTtlSeconds: 3 });
    fleet = await fleetOf(emu, 8, {
      library: "ioredis",
      calls: 1000,
      stopAfterTokens: 3,
    });
    const reports = await Promise.all(fleet.map((worker) => worker.done));
    expect(reports.map((report) => report.errors)).toEqual(Array(8).fill(0));
    expect(reports.map((report) => report.expired)).toEqual(Array(8).fill(0));
    // Every process saw the same three tokens, in order: each minted once for the fleet.
    for (const report of reports) expect(report.tokens).toEqual(reports[0]!.tokens);
    expect(emu.count(TOKEN_PATH)).toBe(3);
    expect(reports.reduce((sum, report) => sum + report.calls, 0)).toBeGreaterThan(8 * 1000 * 3);
  });

  it("the lock holder killed mid-refresh: another process takes over within the lock TTL", async () => {
    const lockTtl = 1_000;
    const emu = await emulator({ tokenTtlSeconds: 8 });
    fleet = await fleetOf(emu, 4, {
      library: "node-redis",
      calls: 200,
      lockTtl,
      timeout: 30_000,
    });
    await waitFor(() => fleet.every((worker) => worker.tokens.length === 1), 10_000, "token 1");
    expect(emu.count(TOKEN_PATH)).toBe(1);
    // The next token request (the refresh) never gets an answer.
    emu.inject({ path: TOKEN_PATH, hang: true });
    const locksBefore = fleet.map((worker) => worker.locks.length);
    await waitFor(
      () => fleet.some((worker, i) => worker.locks.length > locksBefore[i]!),
      15_000,
      "the refresh lock",
    );
    const holder = fleet.find((worker, i) => worker.locks.length > locksBefore[i]!)!;
    const lockedAt = holder.locks.at(-1)!;
    await waitFor(() => emu.count(TOKEN_PATH) === 2, 2_000, "the hung refresh request");
    holder.child.kill("SIGKILL");
    await holder.exited;

    const survivors = fleet.filter((worker) => worker !== holder);
    await waitFor(() => survivors.every((worker) => worker.tokens.length >= 2), 10_000, "token 2");
    const takeover = emu.requests.filter((request) => request.path === TOKEN_PATH)[2]!;
    // Taken over once the dead holder's lock expired: within its TTL plus a poll and a fetch.
    expect(takeover.receivedAt - lockedAt).toBeGreaterThanOrEqual(lockTtl - 50);
    expect(takeover.receivedAt - lockedAt).toBeLessThan(lockTtl + 1_000);
    expect(takeover.status).toBe(200);

    stopFleet(survivors);
    const reports = await Promise.all(survivors.map((worker) => worker.done));
    expect(reports.map((report) => report.errors)).toEqual([0, 0, 0]);
    expect(reports.map((report) => report.expired)).toEqual([0, 0, 0]);
    expect(emu.count(TOKEN_PATH)).toBe(3);
  });

  it("Redis stopped mid-run and started again: every process keeps serving valid tokens", async () => {
    const emu = await emulator({ tokenTtlSeconds: 2 });
    fleet = await fleetOf(emu, 4, {
      library: "ioredis",
      calls: 200,
      lockTtl: 1_000,
    });
    await waitFor(() => fleet.every((worker) => worker.tokens.length >= 1), 10_000, "token 1");
    await redis.stop();
    // Down across at least one refresh of every process.
    await sleep(3_000);
    await redis.start();
    const seen = fleet.map((worker) => worker.tokens.length);
    // Shared again after the restart: new tokens, and the same one in every process.
    await waitFor(
      () =>
        fleet.every((worker, i) => worker.tokens.length >= seen[i]! + 2) &&
        new Set(fleet.map((worker) => worker.tokens.at(-1))).size === 1,
      15_000,
      "shared tokens after the restart",
    );
    stopFleet(fleet);
    const reports = await Promise.all(fleet.map((worker) => worker.done));
    expect(reports.map((report) => report.errors)).toEqual([0, 0, 0, 0]);
    expect(reports.map((report) => report.expired)).toEqual([0, 0, 0, 0]);
  });

  it("with an encryption key, what Redis holds does not contain the token", async () => {
    const emu = await emulator({ tokenTtlSeconds: 60 });
    fleet = await fleetOf(emu, 2, {
      library: "node-redis",
      calls: 10,
      encryptionKey: "2b7e151628aed2a6abf7158809cf4f3c2b7e151628aed2a6abf7158809cf4f3c",
      stopAfterTokens: 1,
    });
    const reports = await Promise.all(fleet.map((worker) => worker.done));
    const token = reports[0]!.tokens[0]!;
    expect(reports[1]!.tokens).toEqual([token]);
    expect(emu.count(TOKEN_PATH)).toBe(1);
    const raw = new Redis(redis.port, "127.0.0.1");
    try {
      const keys = await raw.keys("*");
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).not.toContain(emu.clientId);
        const value = (await raw.get(key)) ?? "";
        expect(value).not.toContain(token);
        expect(value).not.toContain(token.split(".")[1]!);
      }
    } finally {
      raw.disconnect();
    }
  });
});
