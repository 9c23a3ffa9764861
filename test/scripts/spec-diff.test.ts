/**
 * The classifier against fixture pairs in test/fixtures/spec-diff/<case>/{old,new}.yaml: every
 * breaking case must be flagged with the kind that explains it, every compatible case must pass
 * with the bump it deserves, and the CLI's exit status must follow.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  bumpForVersion,
  diffSpecs,
  formatReport,
  suggestBump,
  type Bump,
  type ChangeKind,
  type Json,
} from "../../scripts/spec-diff/index.js";
import { readSpecFile } from "../../scripts/spec-diff/cli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = `${ROOT}test/fixtures/spec-diff`;
const load = (name: string) => ({
  oldDoc: readSpecFile(`${FIXTURES}/${name}/old.yaml`),
  newDoc: readSpecFile(`${FIXTURES}/${name}/new.yaml`),
});

const BREAKING: Record<string, ChangeKind> = {
  "removed-operation": "removed-operation",
  "removed-response-field": "removed-property",
  "removed-request-property": "removed-property",
  "removed-enum-value": "removed-enum-value",
  "new-required-request-field": "new-required-field",
  "optional-became-required": "new-required-field",
  "narrowed-type-changed": "narrowed-type",
  "narrowed-min-length": "narrowed-type",
  "narrowed-max-length": "narrowed-type",
  "narrowed-pattern-added": "narrowed-type",
  "narrowed-pattern-changed": "narrowed-type",
  "narrowed-additional-properties": "narrowed-type",
  "narrowed-min-items": "narrowed-type",
  "removed-response-status": "removed-response-status",
  "removed-response-content-type": "removed-content-type",
  "removed-request-content-type": "removed-content-type",
  "changed-response-type": "changed-response-type",
  "optional-response-field": "optional-response-field",
  "removed-schema": "removed-schema",
};

const COMPATIBLE: Record<string, Exclude<Bump, "major">> = {
  "added-scope-enum-value": "minor",
  "new-optional-request-property": "minor",
  "new-response-property": "minor",
  "new-operation": "minor",
  "new-response-status": "minor",
  "description-change": "patch",
  "relaxed-max-length": "patch",
  "inlined-ref": "patch",
};

describe("spec-diff fixtures", () => {
  it("covers every fixture directory", () => {
    const dirs = readdirSync(FIXTURES).sort();
    expect(dirs).toEqual([...Object.keys(BREAKING), ...Object.keys(COMPATIBLE)].sort());
  });

  it.each(Object.entries(BREAKING))("%s is breaking (%s)", (name, kind) => {
    const { oldDoc, newDoc } = load(name);
    const changes = diffSpecs(oldDoc, newDoc);
    const breaking = changes.filter((c) => c.severity === "breaking");
    expect(breaking.map((c) => c.kind)).toContain(kind);
    // One fixture, one kind of breakage: a classifier that flags everything would pass otherwise.
    expect(new Set(breaking.map((c) => c.kind))).toEqual(new Set([kind]));
    expect(suggestBump(changes)).toBe("major");
  });

  it.each(Object.entries(COMPATIBLE))("%s is compatible (%s)", (name, bump) => {
    const { oldDoc, newDoc } = load(name);
    const changes = diffSpecs(oldDoc, newDoc);
    expect(changes.filter((c) => c.severity === "breaking")).toEqual([]);
    expect(suggestBump(changes)).toBe(bump);
  });

  it("finds nothing between a spec and itself", () => {
    const spec = readSpecFile(`${ROOT}spec/openapi.yaml`);
    expect(diffSpecs(spec, structuredClone(spec))).toEqual([]);
    expect(suggestBump([])).toBe("none");
  });
});

describe("spec-diff behaviour", () => {
  const withSchema = (node: Json): Json => ({
    openapi: "3.1.0",
    paths: {
      "/nodes": {
        post: {
          requestBody: {
            content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } },
          },
          responses: { "204": { description: "ok" } },
        },
      },
    },
    components: { schemas: { Node: node } },
  });

  it("terminates on recursive schemas and still sees changes inside them", () => {
    const node = (extra: Json): Json => ({
      type: "object",
      properties: {
        child: { $ref: "#/components/schemas/Node" },
        name: { type: "string", ...extra },
      },
    });
    const changes = diffSpecs(withSchema(node({})), withSchema(node({ maxLength: 10 })));
    expect(changes.map((c) => c.kind)).toContain("narrowed-type");
  });

  it("widening a request type is not breaking; integer to number neither", () => {
    const a = withSchema({ type: "object", properties: { n: { type: "integer" } } });
    const b = withSchema({ type: "object", properties: { n: { type: ["number", "null"] } } });
    expect(suggestBump(diffSpecs(a, b))).toBe("patch");
    expect(suggestBump(diffSpecs(b, a))).toBe("major");
  });

  it("formats a report that names the kind and the bump", () => {
    const { oldDoc, newDoc } = load("removed-enum-value");
    const report = formatReport(diffSpecs(oldDoc, newDoc));
    expect(report).toMatch(/\[removed-enum-value\].*"trades:read"/);
    expect(report).toMatch(/Suggested changeset bump: major$/);
  });

  it("maps a breaking change to a minor bump while the package is 0.x", () => {
    expect(bumpForVersion("major", "0.4.2")).toBe("minor");
    expect(bumpForVersion("major", "1.0.0")).toBe("major");
    expect(bumpForVersion("patch", "0.1.0")).toBe("patch");
  });
});

describe("spec-diff CLI", () => {
  const tsx = `${ROOT}node_modules/.bin/tsx`;
  const cli = `${ROOT}scripts/spec-diff/cli.ts`;
  const run = (args: string[]) => {
    try {
      return { status: 0, out: execFileSync(tsx, [cli, ...args], { encoding: "utf8" }) };
    } catch (e) {
      const err = e as { status: number; stdout: string };
      return { status: err.status, out: err.stdout };
    }
  };

  it("exits 1 on a breaking change and 0 on a compatible one", () => {
    const breaking = run([
      `${FIXTURES}/removed-operation/old.yaml`,
      `${FIXTURES}/removed-operation/new.yaml`,
    ]);
    expect(breaking.status).toBe(1);
    expect(breaking.out).toContain("[removed-operation]");
    const ok = run([
      `${FIXTURES}/new-operation/old.yaml`,
      `${FIXTURES}/new-operation/new.yaml`,
      "--json",
    ]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({
      bump: "minor",
      changes: [{ kind: "added-operation" }],
    });
  });
});
