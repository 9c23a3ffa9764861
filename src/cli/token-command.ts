/** `cybrid-id token`: a client-credentials (bank or organization) access token. */
import type { Command } from "./command.js";
import { CONNECTED_HELP, TOKEN_OPTIONS, connect, parseCommandLine } from "./config.js";
import { ExitCode, UsageError } from "./exit-codes.js";
import { out, parseScopeList } from "./output.js";

export const tokenCommand: Command = {
  name: "token",
  summary: "print an access token (client-credentials grant)",
  help: `Usage: cybrid-id token [--scopes "a b"] [--json] [options]

Fetches an access token with the client-credentials grant and prints it, alone on stdout,
ready for \`Authorization: Bearer $(cybrid-id token)\`.

Options:
  -s, --scopes <list>     scopes to ask for, space or comma separated
                          (default: the client's default scopes)
  --json                  print {accessToken, tokenType, scopes, expiresAt, expiresIn}
                          (expiresAt as an ISO date, expiresIn in seconds)
${CONNECTED_HELP}

Exit status: 0 success, 1 API or network failure, 2 usage or validation error.`,

  async run(args) {
    const { values } = parseCommandLine(args, TOKEN_OPTIONS);
    const scopes = values.scopes === undefined ? undefined : parseScopeList(values.scopes);
    if (scopes !== undefined && scopes.length === 0)
      throw new UsageError("--scopes is empty: name at least one scope, or leave it out");
    const client = connect(values, values.verbose === true);
    const token = await client.getToken(scopes === undefined ? {} : { scopes });
    if (values.json) {
      const expiresIn = Math.max(0, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000));
      const { accessToken, tokenType } = token;
      const expiresAt = token.expiresAt.toISOString();
      out(
        JSON.stringify(
          { accessToken, tokenType, scopes: token.scopes, expiresAt, expiresIn },
          null,
          2,
        ),
      );
    } else {
      out(token.accessToken);
    }
    return ExitCode.Ok;
  },
};
