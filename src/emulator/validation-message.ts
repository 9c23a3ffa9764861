/**
 * Ajv issues as one line, in the style of the spec's `bad_request` example:
 * `customer_guid: must NOT have fewer than 32 characters`.
 */
import type { SpecValidationIssue } from "../../generated/validators.js";

function describeIssue(issue: SpecValidationIssue): string {
  const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
  const params = issue.params as { allowedValues?: unknown; additionalProperty?: unknown };
  let message = issue.message ?? "is invalid";
  if (issue.keyword === "additionalProperties")
    message += ` (${String(params.additionalProperty)})`;
  return path === "" ? message : `${path}: ${message}`;
}

export function describeIssues(issues: readonly SpecValidationIssue[]): string {
  // An enum failure also reports the `pattern`/`type` siblings under allErrors; one line each.
  const lines = [...new Set(issues.map(describeIssue))];
  return lines.length > 0 ? lines.join("; ") : "The request body is invalid.";
}
