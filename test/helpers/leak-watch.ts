/**
 * Watches every client the harness builds and every CLI run of test/cli/run-cli.ts: collects
 * each log line (at debug level), each error its calls reject with (inspected, stringified,
 * serialised, with stack), the client itself inspected and serialised, and the CLI's stdout and
 * stderr; remembers every secret (client secrets, issued tokens, the bearer tokens emulators
 * saw). After each test file, no 8-character fragment of any secret, in any of the forms it
 * travels in, may appear in anything collected. This runs over the whole client and CLI
 * suites, not a staged scenario.
 *
 * The encodings are computed here from the shared encoders, not taken from the Redactor: the
 * watch is the oracle the Redactor is checked against.
 */
import { inspect } from "node:util";
import { afterAll, expect } from "vitest";
import { formUrlEncode } from "../../src/log/redactor.js";
import { basicCredentials } from "../../src/token/basic-credentials.js";
import type { Emulator } from "../../src/emulator/index.js";
import type { CybridId, LogSink } from "../../src/index.js";

/** A secret shorter than this is refused by createCybridId; longer ones are watched in parts. */
export const FRAGMENT = 8;

const fragments = new Set<string>();
/** What was already cut into fragments (10,000 callers get the same token). */
const watchedSecrets = new Set<string>();
const outputs: string[] = [];
const emulators = new Set<Emulator>();

/** The forms in which a secret can leave: raw, form-urlencoded, percent-encoded, JSON-escaped. */
function formsOf(secret: string): string[] {
  return [
    secret,
    formUrlEncode(secret),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/**
 * The parts of a token worth watching. Every RS256 JWT of the emulator starts with the same
 * header segment (`eyJhbGciOiJSUzI1NiIs...`): it is public, and watching it would flag any
 * JWT, ours or a test's own, anywhere. A JWT's payload and signature are what make it this
 * token; anything else is watched whole.
 */
function partsOf(token: string): string[] {
  const segments = token.split(".");
  return segments.length === 3 ? segments.slice(1) : [token];
}

/** Every `FRAGMENT`-character window of each form of `secret` (the whole of a shorter one). */
export function fragmentsOf(secret: string, clientId?: string): Set<string> {
  const windows = new Set<string>();
  const forms = formsOf(secret);
  if (clientId !== undefined) forms.push(...formsOf(basicCredentials(clientId, secret)));
  for (const form of forms) {
    if (form.length <= FRAGMENT) windows.add(form);
    for (let i = 0; i + FRAGMENT <= form.length; i++) windows.add(form.slice(i, i + FRAGMENT));
  }
  return windows;
}

/** The first window of `output` that is one of `watched`, or undefined. */
export function leakIn(output: string, watched: ReadonlySet<string>): string | undefined {
  for (const fragment of watched)
    if (fragment.length < FRAGMENT && output.includes(fragment)) return fragment;
  for (let i = 0; i + FRAGMENT <= output.length; i++) {
    const window = output.slice(i, i + FRAGMENT);
    if (watched.has(window)) return window;
  }
  return undefined;
}

/** Every form of a value that must never be printed: watched from now on, in every output. */
export function watchSecret(secret: string, clientId?: string): void {
  const key = JSON.stringify([secret, clientId]);
  if (secret === "" || watchedSecrets.has(key)) return;
  watchedSecrets.add(key);
  for (const fragment of fragmentsOf(secret, clientId)) fragments.add(fragment);
}

/** A token: its payload and signature, in every form. */
export function watchToken(token: string): void {
  for (const part of partsOf(token)) watchSecret(part);
}

/** An output to check at the end of the file. */
export function collect(...texts: string[]): void {
  outputs.push(...texts);
}

export const collectingSink: LogSink = recordingSink(outputs, (_level, line) => line).sink;

/**
 * A log sink that keeps every line in `lines`, as `"<level> <line>"` (or as `format` says), and
 * shows each line to the leak watch too.
 */
export function recordingSink(
  lines: string[] = [],
  format = (level: string, line: string) => `${level} ${line}`,
): { sink: LogSink; lines: string[] } {
  const keep = (level: keyof LogSink) => (line: string) => {
    lines.push(format(level, line));
    if (lines !== outputs) outputs.push(line);
  };
  return {
    sink: { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") },
    lines,
  };
}

/** Every way an error gets printed. */
export function renderingsOf(error: unknown): string[] {
  return [
    inspect(error, { depth: 10, showHidden: true }),
    String(error),
    JSON.stringify(error) ?? "",
    (error as Error)?.stack ?? "",
  ];
}

/** The client, with its token calls watched. */
export function watch(
  emu: Emulator,
  client: CybridId,
  clientSecret: string,
  clientId?: string,
): CybridId {
  watchSecret(clientSecret, clientId);
  emulators.add(emu);
  outputs.push(inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client));
  const watched =
    <A extends unknown[], T extends { accessToken: string }>(call: (...args: A) => Promise<T>) =>
    (...args: A) =>
      call(...args).then(
        (token) => {
          watchToken(token.accessToken);
          return token;
        },
        (error: unknown) => {
          outputs.push(...renderingsOf(error));
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
        outputs.push(...renderingsOf(error));
        throw error;
      }),
  };
}

afterAll(() => {
  for (const emu of emulators) {
    for (const request of emu.requests) if (request.bearer?.token) watchToken(request.bearer.token);
  }
  for (const output of outputs) {
    const leak = leakIn(output, fragments);
    if (leak === undefined) continue;
    const at = output.indexOf(leak);
    expect.fail(
      `a secret leaked (fragment "${leak}") into: ${output.slice(Math.max(0, at - 150), at + 150)}`,
    );
  }
});
