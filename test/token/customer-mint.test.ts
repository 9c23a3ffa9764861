/**
 * The customer-token request: its bank token comes first, before any timer of the wait for it,
 * so that a bank-token request refused on the spot leaves nothing behind.
 */
import { expect, it } from "vitest";
import { ValidationError } from "../../src/errors/cybrid-id-error.js";
import { monotonicNow } from "../../src/retry/timers.js";
import { customerTokenRequest } from "../../src/token/customer-mint.js";
import { GUID } from "./fake-idp.js";

it("a bank token refused on the spot: the mint rejects with that error, no unhandled rejection", async () => {
  const refused = new ValidationError("Invalid token request", ["scopes must not be empty"]);
  const bank = {
    get: () => {
      throw refused;
    },
    invalidate: () => undefined,
  };
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", record);
  try {
    const fetch = customerTokenRequest(
      {} as never,
      bank,
    )({
      customerGuid: GUID,
      scopes: ["accounts:read"],
    });
    const call = { background: false, deadlineAt: monotonicNow() + 1_000 };
    await expect(fetch(call)).rejects.toBe(refused);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", record);
  }
});
