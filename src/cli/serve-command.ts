/**
 * `cybrid-id serve`: the emulator in the foreground, for trying the SDK or an app against a
 * local identity API. The credentials it prints are test values the emulator made up (or
 * that the user chose); printing them as env exports is the point.
 */
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  startEmulator,
  type EmulatorOptions,
  type LoggedRequest,
} from "../emulator/index.js";
import { MIN_CLIENT_SECRET_LENGTH } from "../config/option-checks.js";
import type { Command } from "./command.js";
import { COMMON_OPTIONS, commonHelp, parseCommandLine } from "./config.js";
import { ExitCode, UsageError } from "./exit-codes.js";
import { debug, err, fail, out } from "./output.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  port: { type: "string", short: "p" },
  host: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "token-ttl": { type: "string" },
  "customer-token-ttl": { type: "string" },
} as const;

/** How often --verbose prints the request log (and the log is emptied, to bound memory). */
const LOG_INTERVAL_MS = 250;
/** A request unanswered this long is printed as such and forgotten (its client went away). */
const UNANSWERED_MS = 30_000;
/** At most this many unanswered requests are remembered. */
const MAX_PENDING = 1_000;

export const serveCommand: Command = {
  name: "serve",
  summary: "run the local identity API emulator (test credentials, no network)",
  help: `Usage: cybrid-id serve [--port N] [--host A] [--client-id ID] [--client-secret S]
                       [--token-ttl S] [--customer-token-ttl S] [options]

Starts the spec-driven emulator of Cybrid's identity API in the foreground (POST
/oauth/token and POST /api/customer_tokens, real RS256 JWTs) and prints its URL and the
test credentials it accepts, as env exports to paste into another shell. Ctrl+C (SIGINT)
or SIGTERM stops it.

Options:
  -p, --port <n>              port to listen on (default: a free one)
  --host <addr>               address to bind (default 127.0.0.1)
  --client-id <id>            the client id it accepts (default ${DEFAULT_CLIENT_ID})
  --client-secret <s>         its secret, 8 characters or more (default ${DEFAULT_CLIENT_SECRET})
  --token-ttl <s>             expires_in of bank tokens, in seconds (default 1800)
  --customer-token-ttl <s>    lifetime of customer tokens, in seconds (default 1800)
${commonHelp("print each request it received, with its status, on stderr", 28)}

Exit status: 0 stopped by SIGINT or SIGTERM, 1 could not start (the port is taken) or stop,
2 usage error.`,

  async run(args) {
    const { values } = parseCommandLine(args, OPTIONS);
    const options: EmulatorOptions = {
      port: integer(values.port, "--port", 0, 65_535) ?? 0,
      host: values.host ?? "127.0.0.1",
    };
    const tokenTtl = integer(values["token-ttl"], "--token-ttl", 1);
    if (tokenTtl !== undefined) options.tokenTtlSeconds = tokenTtl;
    const customerTtl = integer(values["customer-token-ttl"], "--customer-token-ttl", 1);
    if (customerTtl !== undefined) options.customerTokenTtlSeconds = customerTtl;
    // A secret the SDK refuses (too short to redact safely) would be printed as an export that
    // `cybrid-id token` and createCybridId then refuse: say so now, not after the paste.
    const secret = values["client-secret"];
    if (secret !== undefined && secret.length < MIN_CLIENT_SECRET_LENGTH)
      throw new UsageError(
        `--client-secret must be at least ${MIN_CLIENT_SECRET_LENGTH} characters, as the client requires`,
      );
    if (values["client-id"] !== undefined || secret !== undefined) {
      options.clients = [
        {
          clientId: values["client-id"] ?? DEFAULT_CLIENT_ID,
          clientSecret: secret ?? DEFAULT_CLIENT_SECRET,
        },
      ];
    }

    const emulator = await startEmulator(options);
    out(
      [
        `Cybrid identity emulator listening on ${emulator.url}`,
        "",
        "Test credentials (accepted by this emulator only). In another shell:",
        "",
        `  export CYBRID_ID_URL=${emulator.url}`,
        `  export CYBRID_CLIENT_ID=${shellQuote(emulator.clientId)}`,
        `  export CYBRID_CLIENT_SECRET=${shellQuote(emulator.clientSecret)}`,
        "",
        "then: npx cybrid-id token | npx cybrid-id decode",
        "Press Ctrl+C to stop.",
      ].join("\n"),
    );

    // The emulator keeps every request for tests to inspect; a long-running server must not.
    // Each tick empties its log (and counters); requests still unanswered wait here, so that
    // one request that never gets an answer (its client went away) cannot hold up the rest.
    let pending: LoggedRequest[] = [];
    const drain = setInterval(() => {
      try {
        pending.push(...emulator.requests);
        emulator.resetLog();
        const now = Date.now();
        const waiting: LoggedRequest[] = [];
        for (const r of pending) {
          const gaveUp = r.status === 0 && now - r.receivedAt > UNANSWERED_MS;
          if (r.status === 0 && !gaveUp) waiting.push(r);
          else if (values.verbose)
            debug(
              `${r.method} ${r.path} -> ${gaveUp ? "no answer (client gone)" : r.status}` +
                (r.fault ? " (fault)" : ""),
            );
        }
        pending = waiting.slice(-MAX_PENDING);
      } catch (error) {
        // A failed print (stderr closed) must not stop the drain, nor the server.
        pending = [];
        fail("serve", `request log: ${String(error)}`);
      }
    }, LOG_INTERVAL_MS);

    return new Promise<ExitCode>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        clearInterval(drain);
        err(`Stopping the emulator (${signal})...`);
        emulator.close().then(
          () => {
            err("Emulator stopped.");
            resolve(ExitCode.Ok);
          },
          (error: unknown) => {
            fail("serve", `closing the emulator failed: ${String(error)}`);
            resolve(ExitCode.Failure);
          },
        );
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  },
};

/** A whole-number flag within bounds, or undefined when absent; anything else is exit 2. */
function integer(
  raw: string | undefined,
  flag: string,
  min: number,
  max = 2 ** 31,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Quotes for POSIX shells only when needed, so the common case pastes as it reads. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.:/@%+=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
