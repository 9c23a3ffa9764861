/** The retry and refresh rules' error codes come from the spec's marked examples. */
import { describe, expect, it } from "vitest";
import { errorCodes, readSpec } from "../../scripts/spec-pipeline.js";
import { newBankTokenCodes, permissionCodes, rateLimitCodes } from "../../generated/error-codes.js";

describe("error codes from the spec", () => {
  it("are what generated/ holds", () => {
    expect(errorCodes(readSpec())).toEqual({
      rateLimit: rateLimitCodes,
      permission: permissionCodes,
      newBankToken: newBankTokenCodes,
    });
    expect(rateLimitCodes).toEqual(["rate_limited", "too_many_requests"]);
    expect(permissionCodes).toEqual(["forbidden", "invalid_scopes"]);
    expect(newBankTokenCodes).toEqual(["authentication_failed"]);
  });

  it("follow a newly marked example with no edit in src/", () => {
    const spec = readSpec() as any;
    const forbidden =
      spec.paths["/api/customer_tokens"].post.responses["403"].content["application/json"].examples;
    forbidden.slow_down = {
      "x-cybrid-id-rate-limit": true,
      value: { status: 403, error_message: "Slow down", message_code: "slow_down" },
    };
    forbidden.banned = { value: { status: 403, error_message: "Banned", message_code: "banned" } };
    const codes = errorCodes(spec);
    expect(codes.rateLimit).toContain("slow_down");
    expect(codes.permission).toContain("banned");
    expect(codes.permission).not.toContain("slow_down");
  });
});
