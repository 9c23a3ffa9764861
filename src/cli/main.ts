/**
 * `cybrid-id`: tokens for Cybrid's platform from the command line, and a local emulator.
 *
 *   cybrid-id token [--scopes "a b"] [--json]
 *   cybrid-id customer-token --customer <guid> --scopes <list> [--json]
 *   cybrid-id decode [<jwt> | -] [--json]
 *   cybrid-id serve [--port N] [--host A] [--client-id] [--client-secret] [--token-ttl S]
 *                   [--customer-token-ttl S]
 *
 * Exit status: 0 success; 1 an API or network failure (one stderr line with status, code,
 * message and ids); 2 a usage or validation error, found before any request.
 */
import { CybridIdError, ValidationError } from "../errors/cybrid-id-error.js";
import type { Command } from "./command.js";
import { customerTokenCommand } from "./customer-token-command.js";
import { decodeCommand } from "./decode-command.js";
import { serveCommand } from "./serve-command.js";
import { tokenCommand } from "./token-command.js";
import { ExitCode, HelpRequested, UsageError } from "./exit-codes.js";
import { describeFailure, err, fail, out } from "./output.js";
import { packageVersion } from "./version.js";

const COMMANDS: readonly Command[] = [
  tokenCommand,
  customerTokenCommand,
  decodeCommand,
  serveCommand,
];

const HELP = `Usage: cybrid-id <command> [options]

Tokens for Cybrid's platform: fetched, cached, retried, and typed errors when they fail.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(16)}${command.summary}`).join("\n")}

Options:
  -h, --help       show help (also: cybrid-id <command> --help)
  -V, --version    print the version
  -v, --verbose    (every command) log requests, retries and cache decisions to stderr

Configuration: --base-url, --client-id, --client-secret, or the environment
(CYBRID_ID_URL, CYBRID_CLIENT_ID, CYBRID_CLIENT_SECRET).

Exit status: 0 success, 1 API or network failure, 2 usage or validation error.

Try it locally, no account needed:
  npx cybrid-id serve                  # prints env exports; paste them in another shell
  npx cybrid-id token | npx cybrid-id decode`;

const isVerboseFlag = (arg: string | undefined) => arg === "-v" || arg === "--verbose";

async function main(argv: string[]): Promise<ExitCode> {
  // -v before the command (the help lists it beside -h and -V) is still the command's flag:
  // handed on to it, so that its parser, the one place flags are read, reads it.
  const leading = argv.findIndex((arg) => !isVerboseFlag(arg));
  const verboseFlags = leading === -1 ? argv : argv.slice(0, leading);
  const [first, ...afterFirst] = argv.slice(verboseFlags.length);
  const rest = [...verboseFlags, ...afterFirst];
  if (first === undefined) {
    err(HELP);
    return ExitCode.Usage;
  }
  if (first === "--help" || first === "-h") {
    out(HELP);
    return ExitCode.Ok;
  }
  if (first === "--version" || first === "-V") {
    out(packageVersion());
    return ExitCode.Ok;
  }
  // `cybrid-id help token` reads naturally; support it.
  const name = first === "help" ? afterFirst[0] : first;
  if (name === undefined) {
    out(HELP);
    return ExitCode.Ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  // `help bogus` included: a usage error, on stderr like every other.
  if (command === undefined) {
    fail(undefined, `unknown command "${name}". Run "cybrid-id --help" for the commands.`);
    return ExitCode.Usage;
  }
  if (first === "help" || rest.includes("--help") || rest.includes("-h")) {
    out(command.help);
    return ExitCode.Ok;
  }
  const verbose = rest.includes("--verbose") || rest.includes("-v");
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof HelpRequested) {
      out(command.help);
      return ExitCode.Ok;
    }
    return report(command, error, verbose);
  }
}

/** Prints a failure and picks its exit status. */
function report(command: Command, error: unknown, verbose: boolean): ExitCode {
  if (error instanceof UsageError) {
    fail(command.name, error.message);
    err(`Run "cybrid-id ${command.name} --help" for usage.`);
    return ExitCode.Usage;
  }
  if (error instanceof ValidationError) {
    // Bad input (a guid, a scope, the configuration) that the SDK refused before sending.
    fail(command.name, `invalid input: ${error.issues.join("; ")} (${error.code})`);
    return ExitCode.Usage;
  }
  fail(command.name, describeFailure(error));
  // A bug rather than an API failure deserves its stack, but only when asked for.
  if (verbose && !(error instanceof CybridIdError) && error instanceof Error && error.stack)
    err(error.stack);
  return ExitCode.Failure;
}

// `cybrid-id token | head -c 10` closes stdout early: that is not an error worth a trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// exitCode, not process.exit(): stdout is flushed before the process ends.
process.exitCode = await main(process.argv.slice(2));
