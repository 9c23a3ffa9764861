/**
 * Hooks are metrics: a broken one never breaks a call. Every hook throws (or rejects) with an
 * error that quotes the client secret, over real HTTP against the emulator: fetched and cached
 * bank tokens, customer tokens, a retried call, a paced one, a failing store and a failed
 * background refresh all go on as if the hook had returned. Each broken hook is said once, at
 * warn, redacted (the leak watch of the harness checks every line too).
 */
import { describe, expect, it } from "vitest";
import type { CybridIdHooks, TokenStore } from "../../src/index.js";
import { GUID, clientFor, emulator, sleep } from "../helpers/client-harness.js";
import { collectingSink } from "../helpers/leak-watch.js";
import { guardHooks } from "../../src/config/hooks.js";

const HOOKS = [
  "onTokenFetched",
  "onTokenServedFromCache",
  "onRefreshFailed",
  "onRetryScheduled",
  "onPacingChanged",
  "onStoreError",
] as const;

/** A store that is down: every call rejects (the client bypasses it, and says so). */
const downStore: TokenStore = {
  get: () => Promise.reject(new Error("store down")),
  set: () => Promise.reject(new Error("store down")),
  acquire: () => Promise.reject(new Error("store down")),
  release: () => Promise.reject(new Error("store down")),
};

const breakings = {
  throws: (error: Error) => {
    throw error;
  },
  rejects: (error: Error) => Promise.reject(error),
};

describe("a hook that fails", () => {
  it.each(Object.keys(breakings) as (keyof typeof breakings)[])(
    "%s: every call still succeeds; each hook is logged once at warn, redacted",
    async (how) => {
      const emu = await emulator({ tokenTtlSeconds: 4 });
      const calls = Object.fromEntries(HOOKS.map((name) => [name, 0]));
      const hooks = Object.fromEntries(
        HOOKS.map((name) => [
          name,
          () => {
            calls[name]!++;
            return breakings[how](new Error(`${name} broke on ${emu.clientSecret}`));
          },
        ]),
      ) as CybridIdHooks;
      const lines: string[] = [];
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      try {
        const cybrid = clientFor(emu, {
          hooks,
          store: downStore,
          logger: {
            level: "debug",
            // Every line still goes to the leak watch.
            sink: {
              ...collectingSink,
              warn: (line) => lines.push(line) && collectingSink.warn(line),
            },
          },
        });
        // A retried fetch (503 once), then the cache, then customer tokens, one of them paced.
        emu.inject({ path: "/oauth/token", status: 503, example: "unavailable" });
        const { expiresAt } = await cybrid.getToken();
        await cybrid.getToken();
        const customer = { customerGuid: GUID, scopes: ["accounts:read"] as const };
        await cybrid.getCustomerToken(customer);
        emu.inject({
          path: "/api/customer_tokens",
          status: 403,
          example: "rate_limited",
          headers: { "retry-after-ms": "50" },
        });
        await cybrid.createCustomerToken(customer);
        // Inside the refresh window (4 s tokens: open by 3.4 s, usable until 3.6 s) the refresh
        // fails behind the cached token.
        await sleep(expiresAt.getTime() - 500 - Date.now());
        emu.inject({ path: "/oauth/token", status: 503, example: "unavailable", times: 3 });
        await cybrid.getToken();
        await sleep(300);

        for (const name of HOOKS) expect(calls[name], name).toBeGreaterThan(0);
        expect(unhandled).toEqual([]);
        const hookLines = lines.filter((line) => line.includes("hooks."));
        expect(hookLines.sort()).toEqual(
          [...HOOKS]
            .sort()
            .map(
              (name) =>
                `[cybrid-id] hooks.${name} failed (${name} broke on [redacted]); ignored, and not logged again`,
            ),
        );
        for (const line of lines) expect(line).not.toContain(emu.clientSecret);
      } finally {
        process.off("unhandledRejection", onUnhandled);
      }
    },
  );
});

describe("the hooks object is the caller's", () => {
  it("hooks are its methods, called on it when they fire: a class's, and one set after createCybridId", async () => {
    const emu = await emulator();
    class Metrics implements CybridIdHooks {
      readonly #seen: string[] = [];
      get seen() {
        return this.#seen;
      }
      onTokenFetched(event: { kind: string }) {
        this.#seen.push(`fetched ${event.kind}`);
      }
    }
    const metrics = new Metrics();
    const hooks: CybridIdHooks = metrics;
    const cybrid = clientFor(emu, { hooks });
    await cybrid.getToken();
    hooks.onTokenServedFromCache = () => void metrics.seen.push("served from cache");
    await cybrid.getToken();
    expect(metrics.seen).toEqual(["fetched bank", "served from cache"]);
  });
});

describe("guardHooks", () => {
  it("a failure that cannot be turned into text is still said once, without its reason", async () => {
    const lines: string[] = [];
    const logger = { enabled: () => true, log: (level: string, line: string) => lines.push(line) };
    const unprintable = new Error("x");
    Object.defineProperty(unprintable, "message", {
      get() {
        throw new Error("no message");
      },
    });
    const guarded = guardHooks(
      {
        onTokenFetched: () => Promise.reject(Object.create(null)),
        onTokenServedFromCache: () => {
          throw unprintable;
        },
      },
      logger,
    );
    guarded.onTokenFetched?.({} as never);
    guarded.onTokenServedFromCache?.({ kind: "bank" });
    guarded.onTokenServedFromCache?.({ kind: "bank" });
    await sleep(0);
    expect(lines.sort()).toEqual([
      "hooks.onTokenFetched failed (an error that cannot be shown); ignored, and not logged again",
      "hooks.onTokenServedFromCache failed (an error that cannot be shown); ignored, and not logged again",
    ]);
  });
});
