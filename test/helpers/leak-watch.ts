/**
 * Watches every client the harness builds: collects each log line (at debug level), each
 * error its calls reject with (inspected, stringified, serialised, with stack), and the client
 * itself inspected and serialised; remembers every secret (client secrets, issued tokens, the
 * bearer tokens emulators saw). After each test file, no secret may appear in anything
 * collected. This runs over the whole client suite, not a staged scenario.
 */
import { inspect } from "node:util";
import { afterAll, expect } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import type { CybridId, LogSink } from "../../src/index.js";

const secrets = new Set<string>();
const outputs: string[] = [];
const emulators = new Set<Emulator>();

export const collectingSink: LogSink = {
  debug: (line) => outputs.push(line),
  info: (line) => outputs.push(line),
  warn: (line) => outputs.push(line),
  error: (line) => outputs.push(line),
};

function record(error: unknown): void {
  outputs.push(inspect(error, { depth: 10, showHidden: true }), String(error));
  outputs.push(JSON.stringify(error) ?? "", (error as Error)?.stack ?? "");
}

/** The client, with its token calls watched. */
export function watch(emu: Emulator, client: CybridId, clientSecret: string): CybridId {
  secrets.add(clientSecret);
  emulators.add(emu);
  outputs.push(inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client));
  const watched =
    <A extends unknown[], T extends { accessToken: string }>(call: (...args: A) => Promise<T>) =>
    (...args: A) =>
      call(...args).then(
        (token) => {
          secrets.add(token.accessToken);
          return token;
        },
        (error: unknown) => {
          record(error);
          throw error;
        },
      );
  return {
    ...client,
    getToken: watched(client.getToken),
    getCustomerToken: watched(client.getCustomerToken),
    createCustomerToken: watched(client.createCustomerToken),
    // Its failures too (ConnectionError, TimeoutError... with their causes).
    fetch: (input, init) =>
      client.fetch(input, init).catch((error: unknown) => {
        record(error);
        throw error;
      }),
  };
}

afterAll(() => {
  for (const emu of emulators) {
    for (const request of emu.requests)
      if (request.bearer?.token) secrets.add(request.bearer.token);
  }
  for (const secret of secrets) {
    if (secret.length < 6) continue; // a deliberately tiny test secret would match plain words
    const leak = outputs.find((output) => output.includes(secret));
    expect(leak, `a secret leaked into: ${leak?.slice(0, 300)}`).toBeUndefined();
  }
});
