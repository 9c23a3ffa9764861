/** `cybrid-id customer-token`: a customer JWT minted with the bank token. */
import type { Command } from "./command.js";
import { CONNECTED_HELP, TOKEN_OPTIONS, connect, parseCommandLine } from "./config.js";
import { ExitCode, UsageError } from "./exit-codes.js";
import { out, parseScopeList } from "./output.js";

const OPTIONS = { ...TOKEN_OPTIONS, customer: { type: "string", short: "c" } } as const;

export const customerTokenCommand: Command = {
  name: "customer-token",
  summary: "mint a customer token (JWT) for one customer",
  help: `Usage: cybrid-id customer-token --customer <guid> --scopes <list> [--json] [options]

Fetches a bank token, then mints a customer token with it (POST /api/customer_tokens) and
prints it alone on stdout. The bank credentials need customers:read and customers:write.

Options:
  -c, --customer <guid>   the customer's guid (32 characters)               required
  -s, --scopes <list>     what the token may do, space or comma separated   required
                          e.g. "accounts:read,trades:execute"
  --json                  print {accessToken, tokenType, customerGuid, scopes, expiresAt,
                          expiresIn} (expiresAt as an ISO date, expiresIn in seconds)
${CONNECTED_HELP}

Exit status: 0 success, 1 API or network failure, 2 usage or validation error (a bad guid
or scope is refused before any request).`,

  async run(args) {
    const { values } = parseCommandLine(args, OPTIONS);
    if (values.customer === undefined) throw new UsageError("--customer <guid> is required");
    if (values.scopes === undefined) throw new UsageError("--scopes <list> is required");
    const scopes = parseScopeList(values.scopes);
    if (scopes.length === 0) throw new UsageError("--scopes is empty: name at least one scope");
    const client = connect(values, values.verbose === true);
    // The SDK validates the guid and scopes against the spec and rejects with a
    // ValidationError before sending anything: main.ts maps it to exit status 2.
    const token = await client.getCustomerToken({ customerGuid: values.customer, scopes });
    if (values.json) {
      const expiresIn = Math.max(0, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000));
      out(
        JSON.stringify(
          {
            accessToken: token.accessToken,
            tokenType: token.tokenType,
            customerGuid: token.customerGuid,
            scopes: token.scopes,
            expiresAt: token.expiresAt.toISOString(),
            expiresIn,
          },
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
