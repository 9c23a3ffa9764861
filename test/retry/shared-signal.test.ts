/**
 * One AbortSignal passed to every call, as a service passes its shutdown signal: however many
 * calls wait on it, the SDK holds one listener on it (Node warns past ten listeners:
 * MaxListenersExceededWarning, "Possible EventTarget memory leak detected"), and a call leaves
 * nothing on it once done. AbortSignal.any, in Node 20, keeps an entry per call on such a
 * signal for as long as the signal lives (about 60 bytes a call: a leak in a long-lived
 * process); those entries are what `dependants` counts.
 */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { clientFor, emulator, GUID } from "../helpers/client-harness.js";
import { resourceServer } from "../helpers/resource-server.js";

const warnings: Error[] = [];
const collect = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off("warning", collect);
  warnings.length = 0;
});

/** The signals Node keeps linked to `signal` for AbortSignal.any (0 where it keeps none). */
function dependants(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find(
    (symbol) => symbol.description === "kDependantSignals",
  );
  const linked = key && (signal as unknown as Record<symbol, Set<unknown> | undefined>)[key];
  return linked?.size ?? 0;
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

describe("one AbortSignal shared by many calls", () => {
  it("has one listener on it however many calls wait, and no warning", async () => {
    process.on("warning", collect);
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const { signal } = new AbortController();
    const customers = Array.from({ length: 30 }, (_, i) => `${GUID.slice(0, -2)}${10 + i}`);
    const calls = [
      ...customers.map(() => cybrid.getToken({ signal })),
      ...customers.map((customerGuid) =>
        cybrid.getCustomerToken({ customerGuid, scopes: ["accounts:read"], signal }),
      ),
    ];
    await nextTick(); // every call is waiting now
    const waiting = getEventListeners(signal, "abort").length;
    await Promise.all(calls);
    await nextTick(); // Node emits a warning on a later tick
    expect(warnings.map((warning) => `${warning.name}: ${warning.message}`)).toEqual([]);
    expect(waiting).toBeLessThanOrEqual(1);
  });

  it("keeps nothing on it per call once the calls are done", async () => {
    const emu = await emulator();
    const api = await resourceServer();
    const cybrid = clientFor(emu, { apiOrigins: [api.origin] });
    const { signal } = new AbortController();
    for (let i = 0; i < 50; i++) {
      await cybrid.fetch(`${api.origin}/ping`, { signal });
      // The caller's signal goes with a request through the token pipeline when the call is
      // its own (a shared fetch is never the caller's): a new customer token, always.
      await cybrid.createCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"], signal });
    }
    expect(dependants(signal)).toBe(0);
    // The probe sees what AbortSignal.any leaves (else the 0 above would prove nothing).
    AbortSignal.any([signal]);
    expect(dependants(signal)).toBe(1);
    expect(getEventListeners(signal, "abort").length).toBeLessThanOrEqual(1);
  });
});
