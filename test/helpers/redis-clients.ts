/**
 * A real redis-server for a describe block, and a client of each library on it (ioredis and
 * node-redis), made before its tests and closed after them.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll } from "vitest";
import { startRedis, type RedisServer } from "./redis-server.js";

export interface RedisClients {
  server: RedisServer;
  ioredis: Redis;
  nodeRedis: ReturnType<typeof createClient>;
}

/** Call inside the describe block; the fields are there from its `beforeAll` on. */
export function useRedisClients(): RedisClients {
  const clients = {} as RedisClients;
  beforeAll(async () => {
    clients.server = await startRedis();
    clients.ioredis = new Redis(clients.server.port, "127.0.0.1");
    clients.nodeRedis = createClient({ url: clients.server.url });
    clients.nodeRedis.on("error", () => undefined);
    await clients.nodeRedis.connect();
  });
  afterAll(async () => {
    clients.ioredis?.disconnect();
    await clients.nodeRedis?.close?.();
    await clients.server?.stop();
  });
  return clients;
}
