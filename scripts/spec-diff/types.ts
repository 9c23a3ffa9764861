/**
 * Vocabulary of the spec breaking-change classifier. Every finding names a `kind` so that tests
 * (and reviewers) can tell *why* a change is breaking, not only *that* it is.
 */

/** Changes that break an existing SDK user: they need a major release (minor while 0.x). */
export const BREAKING_KINDS = [
  "removed-operation",
  "removed-response-status",
  "removed-content-type",
  "removed-property",
  "removed-schema",
  "removed-enum-value",
  "new-required-field",
  "narrowed-type",
  "changed-response-type",
  "optional-response-field",
] as const;

/** Additions that old SDK users do not notice: a minor release. */
export const ADDITIVE_KINDS = [
  "added-operation",
  "added-optional-field",
  "added-enum-value",
  "added-response-status",
  "added-content-type",
  "added-schema",
] as const;

/**
 * Everything else that changed: docs and examples, relaxed request rules, and response
 * constraints (they change what the SDK's validators accept, not the types users compile
 * against): a patch release.
 */
export const PATCH_KINDS = ["relaxed-constraint", "response-constraint", "documentation"] as const;

export type BreakingKind = (typeof BREAKING_KINDS)[number];
export type AdditiveKind = (typeof ADDITIVE_KINDS)[number];
export type PatchKind = (typeof PATCH_KINDS)[number];
export type ChangeKind = BreakingKind | AdditiveKind | PatchKind;

export type Severity = "breaking" | "minor" | "patch";
export type Bump = "major" | "minor" | "patch" | "none";

export interface Change {
  kind: ChangeKind;
  severity: Severity;
  /** Where, e.g. `POST /oauth/token request application/json .scope`. */
  location: string;
  message: string;
}

export function severityOf(kind: ChangeKind): Severity {
  if ((BREAKING_KINDS as readonly string[]).includes(kind)) return "breaking";
  if ((ADDITIVE_KINDS as readonly string[]).includes(kind)) return "minor";
  return "patch";
}

/**
 * Which side of the wire a schema is on decides what "narrower" means: a request schema that
 * accepts less rejects payloads users already send; a response schema that may contain more
 * (other types, a field that can now be absent) surprises code that reads it.
 */
export type Direction = "request" | "response";

/** A JSON object out of a parsed YAML document. */
export type Json = Record<string, unknown>;
