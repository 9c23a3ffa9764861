/**
 * The queue's timer holds the process only while a foreground call waits: a background refresh
 * queued for a send slot must not keep an exiting program alive until its deadline.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** A process whose only slot is taken, with one more wait queued (deadline in 2 s). */
function runQueuedWait(background: boolean) {
  const script = `
    import { createPacer } from "./src/pacing/pacer.ts";
    const pacer = createPacer("/t", 1);
    await pacer.acquire(performance.now() + 60_000); // the only slot, never released
    pacer
      .acquire(performance.now() + 2_000, undefined, false, ${background})
      .catch((error) => console.log(error.code));
    console.log(Date.now());
  `;
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    { encoding: "utf8", timeout: 15_000 },
  );
  const [queuedAt, ...rest] = result.stdout.trim().split("\n");
  return { status: result.status, stderr: result.stderr, rest, ms: Date.now() - Number(queuedAt) };
}

describe("a wait queued for a send slot", () => {
  it("in the background: the process exits at once", () => {
    const { status, stderr, rest, ms } = runQueuedWait(true);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(rest).toEqual([]);
    expect(ms).toBeLessThan(1_500);
  });

  it("in the foreground: the process waits for it (here until its deadline)", () => {
    const { status, rest, ms } = runQueuedWait(false);
    expect(status).toBe(0);
    expect(rest).toEqual(["deadline_exceeded"]);
    expect(ms).toBeGreaterThanOrEqual(1_900);
  });
});
