/**
 * `cybrid-id decode`: shows what a JWT says (header, claims, expiry) WITHOUT verifying it.
 * Useful to see why a token is refused (expired, wrong scopes, wrong audience); useless to
 * decide whether to trust one, which the output says in as many words.
 */
import { decodeJwtClaims, decodeJwtSegment } from "../token/jwt.js";
import type { Command } from "./command.js";
import { COMMON_OPTIONS, commonHelp, parseCommandLine } from "./config.js";
import { ExitCode, UsageError } from "./exit-codes.js";
import { debug, out, timeLeft } from "./output.js";

const OPTIONS = { ...COMMON_OPTIONS, json: { type: "boolean" } } as const;

const NOT_VERIFIED =
  "NOT verified: decode only reads the token; do not trust these claims for anything.";

export const decodeCommand: Command = {
  name: "decode",
  summary: "show a JWT's header, claims and expiry (signature NOT verified)",
  help: `Usage: cybrid-id decode [<jwt> | -] [--json]

Prints a JWT's header and claims, and its expiry as a date and as time left (or "expired
N ago"). The signature is NOT verified: this reads a token, it does not make it
trustworthy. With "-" or no argument the token is read from stdin, so
\`cybrid-id token | cybrid-id decode\` works. A leading "Bearer " is ignored.

Options:
  --json                  print {header, claims, expiresAt, expired, secondsLeft,
                          signatureVerified: false}
${commonHelp("say on stderr the token's length and source (never the token)")}

Exit status: 0 decoded (expired tokens included), 2 not a JWT or bad usage.`,

  async run(args) {
    const { values, positionals } = parseCommandLine(args, OPTIONS, true);
    if (positionals.length > 1) throw new UsageError("decode takes one token");
    const given = positionals[0];
    let raw: string;
    if (given === undefined || given === "-") {
      // A terminal on stdin means the user forgot the token, not that they will type one.
      if (process.stdin.isTTY) throw new UsageError("no token: pass it as an argument or on stdin");
      raw = await readStdin();
    } else {
      raw = given;
    }
    const token = raw.trim().replace(/^Bearer\s+/i, "");
    // The length only: the token itself is a credential until it expires.
    const source = given === undefined || given === "-" ? "stdin" : "the command line";
    if (values.verbose) debug(`decoding ${token.length} characters from ${source}`);
    const parts = token.split(".");
    const header = decodeJwtSegment(parts[0] ?? "");
    const claims = decodeJwtClaims(token);
    if (parts.length !== 3 || header === undefined || claims === undefined)
      throw new UsageError("not a JWT: expected three base64url parts, header and claims in JSON");

    const expiresAt = dateOf(claims.exp);
    if (values.json) {
      const left = expiresAt === undefined ? undefined : expiresAt.getTime() - Date.now();
      out(
        JSON.stringify(
          {
            header,
            claims,
            expiresAt: expiresAt?.toISOString() ?? null,
            expired: left === undefined ? null : left <= 0,
            secondsLeft: left === undefined ? null : Math.floor(left / 1000),
            signatureVerified: false,
          },
          null,
          2,
        ),
      );
      return ExitCode.Ok;
    }
    const lines = [
      "Header:",
      JSON.stringify(header, null, 2),
      "Claims:",
      JSON.stringify(claims, null, 2),
      "",
      ...timeLine("Issued:    ", claims.iat),
      ...timeLine("Not before:", claims.nbf),
      expiresAt === undefined
        ? `Expires:    ${claims.exp === undefined ? "never (no exp claim)" : "unknown (exp is not a date)"}`
        : `Expires:    ${expiresAt.toISOString()} (${timeLeft(expiresAt)})`,
      `Signature:  ${NOT_VERIFIED}`,
    ];
    out(lines.join("\n"));
    return ExitCode.Ok;
  },
};

/** A NumericDate claim (seconds since the epoch) as a Date, if it is one a Date can hold. */
function dateOf(value: unknown): Date | undefined {
  if (typeof value !== "number") return undefined;
  // Past +-8.64e12 s a Date is invalid, and toISOString() would throw ("Invalid time value").
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function timeLine(label: string, value: unknown): string[] {
  const date = dateOf(value);
  if (date === undefined) return [];
  // "expired 5 s ago" would read oddly for iat/nbf: keep "5 s ago" (or "in 5 s").
  const relative = timeLeft(date).replace(/^expired /, "");
  return [`${label} ${date.toISOString()} (${relative})`];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
