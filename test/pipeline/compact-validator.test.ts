/**
 * The compact validator compiler, keyword by keyword: what each accepts and rejects (Ajv, compiled
 * from the same schema, must agree on every sample), the issue it reports, and the throw for
 * anything it does not support.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compactValidatorModule } from "../../scripts/compact-validator.js";
import { ajvReference } from "./ajv-reference.js";

type Json = Record<string, unknown>;
type Validator = (data: unknown) => string[];

const dir = mkdtempSync(join(tmpdir(), "compact-validator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** `Root` compiled (with the other schemas its `$ref`s may name) and imported as a module. */
async function compile(root: Json, others: Record<string, Json> = {}): Promise<Validator> {
  const source = compactValidatorModule({ ...others, Root: root }, { check: "Root" });
  const file = join(dir, `validator-${files++}.mjs`);
  writeFileSync(file, source);
  return ((await import(pathToFileURL(file).href)) as { check: Validator }).check;
}

/** Every sample judged as expected by the compact validator and by Ajv. */
async function judge(
  root: Json,
  samples: { valid: unknown[]; invalid: unknown[] },
  others: Record<string, Json> = {},
): Promise<Validator> {
  const check = await compile(root, others);
  const ajv = ajvReference({ ...others, Root: root })("Root");
  for (const data of samples.valid) {
    expect(check(data), JSON.stringify(data)).toEqual([]);
    expect(ajv(data), JSON.stringify(data)).toBe(true);
  }
  for (const data of samples.invalid) {
    expect(check(data).length, JSON.stringify(data)).toBeGreaterThan(0);
    expect(ajv(data), JSON.stringify(data)).toBe(false);
  }
  return check;
}

const object = (properties: Json, more: Json = {}) => ({ type: "object", properties, ...more });

describe("compact validator: keywords", () => {
  it("type (numbers are finite, as in Ajv's strict mode)", async () => {
    const cases: [string, unknown[], unknown[]][] = [
      ["object", [{}, { a: 1 }], [null, [], "x", 1]],
      ["array", [[], [1]], [{}, "x", null]],
      ["string", ["", "x"], [1, null, ["x"]]],
      ["integer", [0, -3, 2 ** 40, 1.0], [1.5, "1", Number.NaN, Infinity, null]],
      ["number", [0, 1.5, -2], ["1", Number.NaN, -Infinity, null, true]],
      ["boolean", [true, false], [0, "true", null]],
    ];
    for (const [type, valid, invalid] of cases) {
      const check = await judge({ type }, { valid, invalid });
      const noun = /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
      expect(check(invalid[0])).toEqual([`body must be ${noun}`]);
    }
  });

  it("required, properties (nested paths) and additionalProperties", async () => {
    const schema = object(
      { a: { type: "string" }, b: object({ c: { type: "integer" } }, { required: ["c"] }) },
      { required: ["a"], additionalProperties: false },
    );
    const check = await judge(schema, {
      valid: [{ a: "" }, { a: "x", b: { c: 1 } }, { a: "x", b: { c: 1, extra: true } }],
      invalid: [
        {},
        { a: undefined },
        { a: 1 },
        { a: "x", z: 1 },
        { a: "x", b: {} },
        { a: "x", b: { c: "1" } },
      ],
    });
    expect(check({})).toEqual(["a is required"]);
    expect(check({ a: "x", z: 1, y: 2 })).toEqual(["z is not allowed", "y is not allowed"]);
    expect(check({ a: 1, b: { c: "1" } })).toEqual([
      "a must be a string",
      "b.c must be an integer",
    ]);
    expect(check({ a: "x", b: {} })).toEqual(["b.c is required"]);
    // An undefined property is absent, as for Ajv; additionalProperties: true allows anything.
    await judge(object({}, { additionalProperties: true }), { valid: [{ any: 1 }], invalid: [] });
  });

  it("minLength and maxLength count code points (Ajv's ucs2length)", async () => {
    const check = await judge(
      { type: "string", minLength: 2, maxLength: 3 },
      {
        valid: ["ab", "😀😀", "a😀b", "\uD800\uD800"],
        invalid: ["", "a", "😀", "abcd", "😀😀😀😀"],
      },
    );
    expect(check("a")).toEqual(["body must have at least 2 characters"]);
    expect(check("abcd")).toEqual(["body must have at most 3 characters"]);
    const exact = await judge(
      { type: "string", minLength: 2, maxLength: 2 },
      { valid: ["😀é"], invalid: ["é"] },
    );
    expect(exact("abc")).toEqual(["body must have exactly 2 characters"]);
    const nonEmpty = await judge({ type: "string", minLength: 1 }, { valid: ["x"], invalid: [""] });
    expect(nonEmpty("")).toEqual(["body must not be empty"]);
    const one = await judge({ type: "string", maxLength: 1 }, { valid: ["😀"], invalid: ["ab"] });
    expect(one("ab")).toEqual(["body must have at most 1 character"]);
  });

  it("pattern, compiled with the u flag; the message names the schema, compiled or referenced", async () => {
    const check = await judge(
      { type: "string", pattern: "^.a/b$" },
      { valid: ["😀a/b", "xa/b"], invalid: ["a/b", "😀ab", "xa/b\n"] },
    );
    expect(check("nope")).toEqual(["body is not a well-formed root"]);
    const inline = await judge(object({ path: { type: "string", pattern: "^/" } }), {
      valid: [{ path: "/x" }],
      invalid: [{ path: "x" }],
    });
    expect(inline({ path: "x" })).toEqual(["path does not match the required format"]);
    const others = { ScopeString: { type: "string", pattern: "^[a-z]+(:[a-z]+)+$" } };
    const scoped = await judge(
      object({ scope: { $ref: "#/components/schemas/ScopeString" } }),
      { valid: [{ scope: "a:b" }, {}], invalid: [{ scope: "a" }, { scope: 1 }] },
      others,
    );
    expect(scoped({ scope: "A" })).toEqual(["scope is not a well-formed scope string"]);
  });

  it("enum and const (scalars)", async () => {
    const many = await judge(
      { enum: ["a", 1, null, true] },
      { valid: ["a", 1, null, true], invalid: ["b", 2, false, {}, []] },
    );
    expect(many("b")).toEqual(['body must be one of "a", 1, null, true']);
    const one = await judge({ type: "string", enum: ["x"] }, { valid: ["x"], invalid: ["y", 1] });
    expect(one("y")).toEqual(['body must be "x"']);
    expect(one(1)).toEqual(["body must be a string"]);
    const constant = await judge(
      { const: "client_credentials" },
      { valid: ["client_credentials"], invalid: ["x", null] },
    );
    expect(constant("x")).toEqual(['body must be "client_credentials"']);
  });

  it("minItems, maxItems, uniqueItems and items (paths with indexes, holes are items)", async () => {
    const check = await judge(
      object({
        list: {
          type: "array",
          minItems: 1,
          maxItems: 3,
          uniqueItems: true,
          items: { type: "string" },
        },
      }),
      {
        valid: [{ list: ["a"] }, { list: ["a", "b", "c"] }],
        // eslint-disable-next-line no-sparse-arrays
        invalid: [
          { list: [] },
          { list: ["a", "a"] },
          { list: ["a", 1] },
          { list: ["a", "b", "c", "d"] },
          { list: [, "a"] },
          { list: "a" },
        ],
      },
    );
    expect(check({ list: [] })).toEqual(["list must not be empty"]);
    expect(check({ list: ["a", "b", "c", "d"] })).toEqual(["list must have at most 3 items"]);
    expect(check({ list: ["a", "a"] })).toEqual(["list must not contain duplicates"]);
    expect(check({ list: ["a", 2, null] })).toEqual([
      "list[1] must be a string",
      "list[2] must be a string",
    ]);
    const root = await judge(
      { type: "array", minItems: 2, items: { type: "integer" } },
      { valid: [[1, 1]], invalid: [[1], [1, "1"]] },
    );
    expect(root([1])).toEqual(["body must have at least 2 items"]);
    expect(root([1, "1"])).toEqual(["body[1] must be an integer"]);
  });

  it("$ref: the sibling keywords and the referenced schema's, chains followed", async () => {
    const others = {
      Short: { type: "string", maxLength: 3 },
      // The type next to the $ref, as the pipeline writes it (Ajv's strictTypes asks for it).
      Word: { $ref: "#/components/schemas/Short", type: "string", pattern: "^[a-z]+$" },
    };
    const check = await judge(
      { $ref: "#/components/schemas/Word", type: "string", minLength: 2 },
      { valid: ["ab", "abc"], invalid: ["a", "abcd", "AB", 12] },
      others,
    );
    expect(check(12)).toEqual(["body must be a string"]);
    expect(check("ABCD")).toEqual([
      "body is not a well-formed word",
      "body must have at most 3 characters",
    ]);
  });

  it("allOf: every subschema applies to the value, with its $refs and their names", async () => {
    // A customer scope as the spec writes it: a well-formed Scope, and one of a list.
    const others = { Scope: { type: "string", pattern: "^[a-z]+:[a-z]+$" } };
    const check = await judge(
      {
        type: "string",
        allOf: [{ $ref: "#/components/schemas/Scope" }, { type: "string", maxLength: 10 }],
        enum: ["a:read", "b:write", "Bad", "long:enough"],
      },
      { valid: ["a:read", "b:write"], invalid: ["c:read", "Bad", "long:enough", 3] },
      others,
    );
    expect(check("Bad")).toEqual(["body is not a well-formed scope"]);
    expect(check("long:enough")).toEqual(["body must have at most 10 characters"]);
    expect(check(3)).toEqual(["body must be a string"]);
  });

  it("ignores annotations, format (as the pipeline does) and x-* keys", async () => {
    // Not judged by Ajv: the pipeline drops `format` before Ajv sees it.
    const check = await compile({
      type: "string",
      title: "T",
      description: "D",
      examples: ["x"],
      format: "password",
      "x-extensible-enum": true,
      writeOnly: true,
    });
    expect(check("anything")).toEqual([]);
    expect(check(1)).toEqual(["body must be a string"]);
  });

  it("never puts a value in an issue", async () => {
    const check = await compile(
      object(
        { secret: { type: "string", minLength: 2, maxLength: 8, pattern: "^[a-z]+$" } },
        { additionalProperties: false },
      ),
    );
    for (const secret of ["s3cr3t-value-too-long", "S3CR3T", "Q"]) {
      const issues = check({ secret });
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.join("\n")).not.toContain(secret);
    }
  });

  it("emits a module with no imports, helpers only when used", () => {
    const source = compactValidatorModule({ Root: { type: "string" } }, { check: "Root" });
    expect(source).not.toMatch(/\bimport\b|\brequire\(/);
    expect(source).not.toContain("const L =");
    expect(source).toContain("export function check(");
  });
});

describe("compact validator: anything else throws, saying where and what to do", () => {
  const compileOnly =
    (root: unknown, others: Record<string, Json> = {}) =>
    () =>
      compactValidatorModule({ ...others, Root: root as Json }, { check: "Root" });

  it.each([
    ["minimum", object({ n: { type: "integer", minimum: 1 } }), "minimum"],
    ["oneOf", { oneOf: [{ type: "string" }] }, "oneOf"],
    ["patternProperties", { type: "object", patternProperties: {} }, "patternProperties"],
    ["a misspelt keyword", { type: "string", maxlength: 3 }, "maxlength"],
  ])("an unsupported keyword: %s", (_, schema, keyword) => {
    expect(compileOnly(schema)).toThrow(new RegExp(`keyword "${keyword}" is not supported`));
    expect(compileOnly(schema)).toThrow(/#\/components\/schemas\/Root/);
    expect(compileOnly(schema)).toThrow(/Teach it the new rule in scripts\/compact-validator\.ts/);
  });

  it.each([
    ["a type list", { type: ["string", "null"] }, /type must be one of/],
    ["the null type", { type: "null" }, /type must be one of/],
    [
      "a keyword without its type",
      { maxLength: 3 },
      /maxLength applies to strings: add "type: string"/,
    ],
    ["a keyword of another type", { type: "string", minItems: 1 }, /minItems applies to arrays/],
    [
      "an additionalProperties schema",
      { type: "object", additionalProperties: { type: "string" } },
      /additionalProperties must be false/,
    ],
    ["tuple items", { type: "array", items: [{ type: "string" }] }, /a schema must be an object/],
    [
      "uniqueItems over objects",
      { type: "array", uniqueItems: true, items: { type: "object" } },
      /uniqueItems needs/,
    ],
    ["uniqueItems without items", { type: "array", uniqueItems: true }, /uniqueItems needs/],
    ["an object enum", { enum: [{ a: 1 }] }, /enum of an object or array/],
    ["an empty enum", { enum: [] }, /non-empty/],
    ["a negative bound", { type: "string", minLength: -1 }, /integer >= 0/],
    [
      "a pattern invalid under u",
      { type: "string", pattern: "\\-" },
      /valid Unicode regular expression/,
    ],
    ["an empty allOf", { type: "string", allOf: [] }, /allOf must be a non-empty list/],
    ["an allOf of another type", { type: "string", allOf: [{ type: "integer" }] }, /conflicts/],
    ["an external $ref", { $ref: "other.yaml#/X" }, /\$ref must point into/],
    ["an unknown $ref", { $ref: "#/components/schemas/Nope" }, /names no schema/],
    ["a false schema", object({ a: false }), /a schema must be an object/],
  ])("%s", (_, schema, message) => {
    expect(compileOnly(schema)).toThrow(message);
  });

  it("a recursive $ref", () => {
    const others = { Tree: object({ child: { $ref: "#/components/schemas/Tree" } }) };
    expect(compileOnly({ $ref: "#/components/schemas/Tree" }, others)).toThrow(/recursive/);
  });
});
