/** The token slot's single flight with a controllable fetch: abort, fence, failure reports. */
import { describe, expect, it } from "vitest";
import type { IssuedToken } from "../../src/token/issued-token.js";
import { createTokenSlot } from "../../src/token/token-slot.js";

/** A fetch whose answers the test gives, one per call, in order. */
function controlledFetch() {
  const calls: { background: boolean; answer: (token: string | Error) => void }[] = [];
  const fetch = (background: boolean) =>
    new Promise<IssuedToken<string>>((resolve, reject) => {
      calls.push({
        background,
        answer: (token) =>
          token instanceof Error
            ? reject(token)
            : resolve({ value: token, token, sentAt: Date.now(), lifetimeMs: 60_000 }),
      });
    });
  return { calls, fetch };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createTokenSlot", () => {
  it("an aborted caller starts nothing and gets the signal's reason", async () => {
    const { calls, fetch } = controlledFetch();
    const slot = createTokenSlot(fetch);
    const reason = new Error("gone");
    await expect(slot.get(AbortSignal.abort(reason))).rejects.toBe(reason);
    await expect(slot.refresh(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(calls).toHaveLength(0);
  });

  it("a shared fetch that fails after its only caller left is not an unhandled rejection", async () => {
    const { calls, fetch } = controlledFetch();
    const slot = createTokenSlot(fetch);
    const controller = new AbortController();
    const waiting = slot.get(controller.signal);
    controller.abort(new Error("left"));
    await expect(waiting).rejects.toThrow("left");
    calls[0]!.answer(new Error("server down"));
    await tick(); // vitest fails the run on an unhandled rejection
  });

  it("invalidate() fences a fetch under way: later callers neither join it nor get its token", async () => {
    const { calls, fetch } = controlledFetch();
    const slot = createTokenSlot(fetch);
    const early = slot.get();
    slot.invalidate();
    const late = slot.get();
    expect(calls).toHaveLength(2);
    calls[0]!.answer("old");
    calls[1]!.answer("new");
    expect(await early).toBe("old");
    expect(await late).toBe("new");
    expect(await slot.get()).toBe("new");
    expect(calls).toHaveLength(2);
  });

  it("reports a foreground failure as fetchFailed, never as refreshFailed", async () => {
    const { calls, fetch } = controlledFetch();
    const events: string[] = [];
    const slot = createTokenSlot(fetch, {
      refreshFailed: () => events.push("refreshFailed"),
      fetchFailed: () => events.push("fetchFailed"),
    });
    const waiting = slot.get();
    calls[0]!.answer(new Error("down"));
    await expect(waiting).rejects.toThrow("down");
    expect(events).toEqual(["fetchFailed"]);
  });
});
