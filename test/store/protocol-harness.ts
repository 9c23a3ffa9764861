/**
 * The fleet protocol (src/store/shared-store.ts) without a client: one client's view of a
 * scripted store, with a mock for the HTTP fetch, for the unit tests of test/store.
 */
import { vi } from "vitest";
import type { TokenStore } from "../../src/config/token-store.js";
import { createSharedStore } from "../../src/store/shared-store.js";
import type { FetchCall, IssuedToken } from "../../src/token/issued-token.js";

/** The lifetime of the tokens the mock fetch issues. */
export const LIFETIME_MS = 600_000;

/** A fetch's call, as a slot starts it: foreground unless `background`, due in `deadlineMs`. */
export const callOf = (background = false, deadlineMs = 60_000) => ({
  background,
  deadlineAt: performance.now() + deadlineMs,
});

/**
 * A client's view of `store` (timeout 250 ms, lock 1 s) and one token kind wrapped with it:
 * `fetch` is its HTTP fetch, `served` the tokens it took from the store, `lines` its log.
 */
export function protocolOver(store: TokenStore) {
  const lines: string[] = [];
  const served: string[] = [];
  const onStoreError = vi.fn();
  const shared = createSharedStore({
    store,
    timeoutMs: 250,
    lockTtlMs: 1_000,
    namespace: async () => ["https://id.example", "client", "tag"],
    logger: { enabled: () => true, log: (level, message) => lines.push(`${level} ${message}`) },
    redactor: { add: () => undefined },
    hooks: { onStoreError },
  });
  const fetch = vi.fn(async (_call: FetchCall): Promise<IssuedToken<string>> => ({
    value: "from-http",
    token: "http-token",
    sentAt: Date.now(),
    lifetimeMs: LIFETIME_MS,
  }));
  const fetcher = shared.wrap(
    "bank",
    [""],
    fetch,
    (stored) => (served.push(stored.token), stored.token),
    () => [],
  );
  return { fetcher, fetch, lines, onStoreError, served };
}
