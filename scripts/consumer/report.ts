/**
 * The consumer test's log and check results: `say` prints a `[consumer]` line, `check` runs one
 * named check, records it in `checks` and prints `ok`/`FAIL`. The runner reads `checks` for the
 * summary and the exit status.
 */

export const say = (line: string) => console.log(`[consumer] ${line}`);

/** Results, in order; any failure makes the script exit 1. */
export const checks: Array<{ name: string; ok: boolean; ms: number; detail?: string }> = [];

export async function check(name: string, body: () => Promise<string | void>): Promise<void> {
  const started = Date.now();
  try {
    const detail = (await body()) ?? undefined;
    checks.push({ name, ok: true, ms: Date.now() - started, ...(detail ? { detail } : {}) });
    say(`ok    ${name}${detail ? ` (${detail})` : ""}`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    checks.push({ name, ok: false, ms: Date.now() - started, detail });
    say(`FAIL  ${name}\n${detail}`);
  }
}
