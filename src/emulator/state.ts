/**
 * What the routes share: the emulator's current settings, and the replies both endpoints
 * give alike (the rate limit).
 */
import { json, type ParsedBody, type Reply } from "./http-io.js";
import type { BearerCheck } from "./bearer.js";
import type { RateLimiter } from "./rate-limit.js";
import { exampleBody } from "./spec-examples.js";
import type { EmulatorClient } from "./types.js";

export interface EmulatorState {
  url: string;
  issuer: string;
  clients: Map<string, EmulatorClient>;
  tokenTtlSeconds: number;
  customerTokenTtlSeconds: number;
  /** undefined: every customer guid exists. */
  customers: Set<string> | undefined;
  limiter: RateLimiter;
}

/** One request, as a route sees it. */
export interface RouteContext {
  state: EmulatorState;
  headers: Record<string, string | string[] | undefined>;
  body: ParsedBody;
  bearer: BearerCheck;
}

/** The audience every token the emulator mints carries, and the one it demands. */
export function audienceOf(state: EmulatorState): string[] {
  return [state.url];
}

/**
 * Counts a request against its client's limit. Past it: the spec's `rate_limited` example with
 * `Retry-After` in whole seconds (rounded up, so a client never comes back too early) and the
 * exact wait in `Retry-After-Ms`.
 */
export function rateLimited(
  state: EmulatorState,
  specPath: string,
  key: string,
): Reply | undefined {
  const waitMs = state.limiter.take(`${specPath} ${key}`);
  if (waitMs === undefined) return undefined;
  return json(403, exampleBody(specPath, 403, "rate_limited"), {
    "retry-after": String(Math.ceil(waitMs / 1000)),
    "retry-after-ms": String(Math.ceil(waitMs)),
  });
}

export function header(ctx: RouteContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
