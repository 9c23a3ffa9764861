/**
 * What a client keeps of the tokens it must not take from the shared store again
 * (src/store/store-fences.ts): all the tokens invalidate() dropped, for as long as they are
 * usable, and nothing of a token once it is past its end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createStoreFences } from "../../src/store/store-fences.js";

beforeEach(() => vi.useFakeTimers({ now: Date.parse("2026-01-01T00:00:00Z") }));
afterEach(() => vi.useRealTimers());

describe("the store fences of one client", () => {
  it("invalidate() drops every usable token handed out, however many", () => {
    const fences = createStoreFences();
    for (let i = 0; i < 5_000; i++)
      fences.handedOut(`slot-${i}`, `token-${i}`, Date.now() + 60_000);
    fences.reject();
    expect(fences.has("token-0")).toBe(true);
    expect(fences.has("token-4999")).toBe(true);
    // Until they are past their end, when the store has dropped them too.
    vi.setSystemTime(Date.now() + 60_000);
    expect(fences.has("token-0")).toBe(false);
  });

  it("a long-running client with ever new customers keeps only the tokens still usable", () => {
    const fences = createStoreFences();
    // A customer a second, each token usable for a minute, for a day.
    for (let i = 0; i < 86_400; i++) {
      fences.handedOut(`customer-${i}`, `token-${i}`, Date.now() + 60_000);
      vi.setSystemTime(Date.now() + 1_000);
    }
    expect(fences.sizes[0]).toBeLessThanOrEqual(2 * 60 + 64);
    fences.reject();
    expect(fences.sizes[1]).toBeLessThanOrEqual(60);
  });

  it("remembers the last 64 tokens a server rejected", () => {
    const fences = createStoreFences();
    for (let i = 0; i < 65; i++) fences.reject(`rejected-${i}`);
    expect(fences.has("rejected-0")).toBe(false);
    expect(fences.has("rejected-1")).toBe(true);
    expect(fences.has("rejected-64")).toBe(true);
  });
});
