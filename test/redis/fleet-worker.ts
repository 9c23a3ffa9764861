/**
 * One process of a fleet (forked by fleet.test.ts with `node --import tsx`): a client with a
 * Redis token store, hammering getToken() with `calls` concurrent calls per round until told to
 * stop (or until it has seen `stopAfterTokens` distinct tokens). It reports over IPC:
 * - `ready` once its Redis client is connected; it starts on `go`;
 * - `token` each time it sees a new token; `lock` when its engine took the refresh lock;
 * - `done` with its counts: rounds, calls, errors (and the first error), tokens served past
 *   their expiry.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { createCybridId } from "../../src/index.js";
import { redisTokenStore } from "../../src/redis/index.js";

export interface WorkerConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  redisPort: number;
  library: "ioredis" | "node-redis";
  calls: number;
  encryptionKey?: string;
  /** The store's lock lifetime (the client's `storeLockTtl`). */
  lockTtl?: number;
  stopAfterTokens?: number;
  /** Per-attempt HTTP timeout; long in the crash test, so the lock holder hangs. */
  timeout?: number;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "token"; token: string; index: number }
  | { type: "lock"; at: number }
  | {
      type: "done";
      rounds: number;
      calls: number;
      errors: number;
      firstError?: string;
      expired: number;
      tokens: string[];
    };

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig;
const send = (message: WorkerMessage) => process.send?.(message);

async function redisClient() {
  if (config.library === "ioredis") {
    // Commands must not queue forever while Redis is down: the store's timeout covers it.
    const client = new Redis(config.redisPort, "127.0.0.1", { maxRetriesPerRequest: 1 });
    client.on("error", () => undefined);
    return { client, close: () => client.disconnect() };
  }
  const client = createClient({
    url: `redis://127.0.0.1:${config.redisPort}`,
    socket: { reconnectStrategy: () => 100 },
  });
  client.on("error", () => undefined);
  await client.connect();
  return { client, close: () => client.destroy() };
}

const redis = await redisClient();
const cybrid = createCybridId({
  baseUrl: config.url,
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  store: redisTokenStore(redis.client, { encryptionKey: config.encryptionKey ?? false }),
  storeLockTtl: config.lockTtl,
  maxRetries: 2,
  timeout: config.timeout ?? 5_000,
  backoff: { base: 20, max: 100 },
  logger: {
    level: "debug",
    sink: {
      debug: (line) => {
        if (line.includes("lock taken")) send({ type: "lock", at: Date.now() });
      },
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  },
});

let stopping = false;
process.on("message", (message: { type: string }) => {
  if (message.type === "stop") stopping = true;
  if (message.type === "go") void run();
});
send({ type: "ready" });

async function run() {
  const tokens: string[] = [];
  let rounds = 0;
  let calls = 0;
  let errors = 0;
  let expired = 0;
  let firstError: string | undefined;
  while (!stopping) {
    const results = await Promise.allSettled(
      Array.from({ length: config.calls }, () => cybrid.getToken()),
    );
    rounds++;
    const now = Date.now();
    for (const result of results) {
      calls++;
      if (result.status === "rejected") {
        errors++;
        firstError ??= String(result.reason);
        continue;
      }
      const { accessToken, expiresAt } = result.value;
      if (expiresAt.getTime() <= now) expired++;
      if (!tokens.includes(accessToken)) {
        tokens.push(accessToken);
        send({ type: "token", token: accessToken, index: tokens.length });
      }
    }
    if (config.stopAfterTokens !== undefined && tokens.length >= config.stopAfterTokens) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  send({ type: "done", rounds, calls, errors, firstError, expired, tokens });
  redis.close();
  // Let the IPC message go out before exiting.
  setTimeout(() => process.exit(0), 50);
}
