import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test talks to a real server on loopback; two cores do not like 8 workers.
    maxWorkers: 2,
  },
});
