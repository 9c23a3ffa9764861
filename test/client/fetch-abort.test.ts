/**
 * A caller's AbortSignal is honoured by cybrid.fetch and cybrid.middleware while they wait for
 * a token and while the request is in flight: `init.signal`, a Request's own signal, and for the
 * middleware the openapi-fetch call's `signal`. An abort rejects promptly with the signal's
 * reason (as fetch does) and sends nothing. The token endpoint hangs; the per-attempt timeout is
 * 3 s, so a late rejection shows as ~3 s.
 */
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { paths } from "../../generated/openapi.js";
import { GUID, clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";

const PATH = "/api/customer_tokens";
const TOKEN = "/oauth/token";
const body = { customer_guid: GUID, scopes: ["accounts:read" as const] };
/** Generous for a loaded 2-core machine, far below the 3 s timeout the bug waited for. */
const PROMPT_MS = 1_000;

/** The reason, and how long after the start the call rejected. */
async function abortedAt200(call: (signal: AbortSignal) => Promise<unknown>) {
  const controller = new AbortController();
  const reason = new Error("caller gave up");
  const started = performance.now();
  setTimeout(() => controller.abort(reason), 200);
  const error = await rejectionOf(call(controller.signal));
  return { error, reason, ms: performance.now() - started };
}

async function hangingTokenEndpoint() {
  const emu = await emulator();
  emu.inject({ path: TOKEN, hang: true, times: Infinity });
  return { emu, cybrid: clientFor(emu, { timeout: 3_000 }) };
}

describe("cybrid.fetch while it waits for a token", () => {
  it("honours init.signal", async () => {
    const { emu, cybrid } = await hangingTokenEndpoint();
    const { error, reason, ms } = await abortedAt200((signal) =>
      cybrid.fetch(`${emu.url}${PATH}`, { method: "POST", body: "{}", signal }),
    );
    expect(error).toBe(reason);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(emu.count(PATH)).toBe(0);
  });

  it("honours the signal of a Request", async () => {
    const { emu, cybrid } = await hangingTokenEndpoint();
    const { error, reason, ms } = await abortedAt200((signal) =>
      cybrid.fetch(new Request(`${emu.url}${PATH}`, { method: "POST", body: "{}", signal })),
    );
    expect(error).toBe(reason);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(emu.count(PATH)).toBe(0);
  });
});

describe("cybrid.fetch while the request is in flight", () => {
  it("honours the signal of a Request (not only the timeout)", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { timeout: 3_000 });
    await cybrid.getToken();
    emu.inject({ path: PATH, hang: true });
    const { error, reason, ms } = await abortedAt200((signal) =>
      cybrid.fetch(new Request(`${emu.url}${PATH}`, { method: "POST", body: "{}", signal })),
    );
    expect(error).toBe(reason);
    expect(ms).toBeLessThan(PROMPT_MS);
  });

  it("init.signal wins over the Request's, as in fetch", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { timeout: 3_000 });
    await cybrid.getToken();
    emu.inject({ path: PATH, hang: true });
    const never = new AbortController();
    const { error, reason, ms } = await abortedAt200((signal) =>
      cybrid.fetch(new Request(`${emu.url}${PATH}`, { signal: never.signal }), { signal }),
    );
    expect(error).toBe(reason);
    expect(ms).toBeLessThan(PROMPT_MS);
  });
});

describe("cybrid.middleware while it waits for a token", () => {
  it("honours the openapi-fetch call's signal and sends nothing", async () => {
    const { emu, cybrid } = await hangingTokenEndpoint();
    const other = createClient<paths>({ baseUrl: emu.url });
    other.use(cybrid.middleware);
    const { error, reason, ms } = await abortedAt200((signal) =>
      other.POST(PATH, { body, signal }),
    );
    expect(error).toBe(reason);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(emu.count(PATH)).toBe(0);
  });
});
