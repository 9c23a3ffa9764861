import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConnectionError } from "../../src/errors/cybrid-id-error.js";
import { redactError } from "../../src/errors/redact-error.js";
import { createRedactor } from "../../src/log/redactor.js";

const SECRET = "cause-secret-5b1e";
const redactor = createRedactor();
redactor.addClientSecret(SECRET);

const failed = (cause: unknown) =>
  redactError(new ConnectionError(`could not connect: ${SECRET}`, { code: "x", cause }), redactor);

describe("redactError", () => {
  it("redacts the message and the stack's copy of it", () => {
    const error = failed(undefined);
    expect(error.message).toBe("could not connect: [redacted]");
    expect(error.stack).toMatch(/^ConnectionError: could not connect: \[redacted\]\n\s+at /);
    expect("cause" in error).toBe(false);
  });

  it("copies an AggregateError's errors and their codes, redacted", () => {
    const refused = Object.assign(new Error(`connect ECONNREFUSED ${SECRET}`), {
      code: "ECONNREFUSED",
    });
    const error = failed(new AggregateError([refused, refused], `both failed ${SECRET}`));
    const cause = error.cause as AggregateError;
    expect(cause.name).toBe("AggregateError");
    expect(cause.message).toBe("both failed [redacted]");
    expect(cause.errors.map((e: any) => [e.message, e.code])).toEqual([
      ["connect ECONNREFUSED [redacted]", "ECONNREFUSED"],
      ["connect ECONNREFUSED [redacted]", "ECONNREFUSED"],
    ]);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(SECRET);
  });

  it("keeps causes 5 deep, and drops what it cannot read", () => {
    let chain: Error = new Error(`deepest ${SECRET}`);
    for (let depth = 7; depth >= 1; depth--) chain = new Error(`level ${depth}`, { cause: chain });
    let cause: any = failed(chain).cause;
    const levels = [];
    while (cause !== undefined) {
      levels.push(cause.message);
      cause = cause.cause;
    }
    expect(levels).toEqual(["level 1", "level 2", "level 3", "level 4", "level 5"]);

    const hostile = new Error("fine");
    Object.defineProperty(hostile, "message", {
      get() {
        throw new Error(SECRET);
      },
    });
    expect("cause" in failed(hostile)).toBe(false);
  });

  it("a cause's stack starts with its redacted name and message", () => {
    const cause = new Error(`refused ${SECRET}`);
    cause.name = `Error${SECRET}`;
    const copy = failed(cause).cause as Error;
    expect(copy.name).toBe("Error[redacted]");
    expect(copy.stack).toMatch(/^Error\[redacted\]: refused \[redacted\]\n\s+at /);
    expect(inspect(copy, { showHidden: true })).not.toContain(SECRET);
  });
});
