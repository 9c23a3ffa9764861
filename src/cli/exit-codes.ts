/**
 * Exit statuses of the `cybrid-id` command line, and the error that means "the user typed
 * something wrong". Scripts branch on these, so they are part of the CLI's contract.
 */

/** The exit statuses `cybrid-id` uses. */
export const ExitCode = {
  /** The command did what it was asked. */
  Ok: 0,
  /** The API or the network failed (the request was sent, or could not be). */
  Failure: 1,
  /** A usage or validation error, found before any request was sent. */
  Usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A mistake on the command line (unknown flag, missing or malformed value). Always raised
 * before anything is sent, and always exit status 2.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * `-h` grouped with other short flags (`-vh`), found by a command's flag parsing: main.ts prints
 * the command's help, exit status 0, as for a lone `-h` or `--help`.
 */
export class HelpRequested extends Error {
  override name = "HelpRequested";
}
