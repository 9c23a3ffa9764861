import { configDefaults, defineConfig } from "vitest/config";

/**
 * The suites that hold wall-clock budgets over real HTTP (a burst served within 1.3 N/R, a
 * fleet's refreshes, recovery windows): they run last, one file at a time, so that no other
 * suite's processes (Chromium, npm pack, the CLI's children) take the CPU that their clients
 * and servers share. Their logic also has deterministic unit tests with fake timers; these
 * check the real thing.
 */
const WALL_CLOCK = [
  "test/client/pacing.test.ts",
  "test/client/refresh-outage.test.ts",
  "test/redis/fleet.test.ts",
  "test/bank-sdk/bank-sdk-access-token.test.ts",
  "test/interop/oidc-provider.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test talks to a real server on loopback; two cores do not like 8 workers.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...WALL_CLOCK],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "wall-clock",
          include: WALL_CLOCK,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
