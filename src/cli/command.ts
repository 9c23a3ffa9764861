/** The shape of one `cybrid-id` command: main.ts dispatches on `name` and prints `help`. */
import type { ExitCode } from "./exit-codes.js";

export interface Command {
  /** The word after `cybrid-id`. */
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The whole `--help` text. */
  help: string;
  /**
   * Runs with the arguments after the command name. Throws `UsageError` or `ValidationError`
   * for exit status 2, any other error for 1; main.ts prints it.
   */
  run(args: string[]): Promise<ExitCode>;
}
