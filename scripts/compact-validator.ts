/**
 * A compiler from a small JSON Schema subset to plain JavaScript, for the request validators
 * that ship in the SDK's main bundle. Ajv's standalone output for the two request bodies weighed
 * 7.6 kB minified: error objects, schema copies and bookkeeping the SDK never read. This emits a
 * list of plain checks that push readable issues, a few hundred bytes gzipped.
 *
 * The subset is what the client schemas use. Any other keyword throws, naming the keyword, where
 * it is and what to do, so the spec can never outgrow the compiler silently. The differential
 * test in test/pipeline/ holds the emitted code to Ajv's verdicts on the same schemas.
 *
 * The emitted functions, `(data: unknown) => string[]`:
 * - collect every issue, not only the first: one error tells the caller all there is to fix.
 *   Inside a value of the wrong `type`, nothing more is checked (one issue per value);
 * - name the path and the rule (`scopes[0] is not a well-formed scope`), never the value, which
 *   may be a client secret; the only data quoted is a key the schema does not allow;
 * - follow Ajv (strict mode: numbers are finite) keyword by keyword: lengths in code points,
 *   patterns with the `u` flag, an `undefined` property is absent, `additionalProperties` sees
 *   every enumerable key (`for...in`).
 */

type Json = Record<string, unknown>;

/** The keywords that validate, by the instance type they apply to (`any`: every type). */
const APPLIES_TO: Record<string, readonly string[]> = {
  any: ["type", "enum", "const", "$ref", "allOf"],
  string: ["minLength", "maxLength", "pattern"],
  array: ["minItems", "maxItems", "uniqueItems", "items"],
  object: ["required", "properties", "additionalProperties"],
};
const KEYWORDS = new Map(
  Object.entries(APPLIES_TO).flatMap(([type, keys]) => keys.map((key) => [key, type] as const)),
);

/**
 * Keywords that document and do not validate. `format` is one of them here as in the rest of the
 * pipeline, which drops it before Ajv too: the spec's only format, `password`, checks nothing.
 */
const ANNOTATIONS = new Set([
  ...["title", "description", "examples", "example", "default", "deprecated", "format"],
  ...["readOnly", "writeOnly", "$id", "$schema", "$comment"],
]);

/** How each type is tested (`v` is the value's variable) and named in an issue. */
const TYPES: Record<string, { test: (v: string) => string; noun: string }> = {
  object: { test: (v) => `O(${v})`, noun: "an object" },
  array: { test: (v) => `Array.isArray(${v})`, noun: "an array" },
  string: { test: (v) => `typeof ${v} == "string"`, noun: "a string" },
  integer: { test: (v) => `Number.isInteger(${v})`, noun: "an integer" },
  number: { test: (v) => `Number.isFinite(${v})`, noun: "a number" },
  boolean: { test: (v) => `typeof ${v} == "boolean"`, noun: "a boolean" },
};

/** Helpers the emitted code may call, written once at the top of the module when used. */
const HELPERS: Record<string, string> = {
  L: "/** A string's length in code points (Ajv's ucs2length). */\nconst L = (s) => [...s].length;",
  O: '/** A non-null, non-array object. */\nconst O = (v) => !!v && typeof v == "object" && !Array.isArray(v);',
};

/** What an issue about the value itself calls it when the path is empty. */
const ROOT_LABEL = "body";
/** A path as a JS expression (`"scopes[" + i1 + "]"`); `null` at the root. */
type Path = string | null;
const REF_PREFIX = "#/components/schemas/";

/** The schemas `$ref`s point to, those being compiled, the helpers used, the next variable. */
type Context = {
  schemas: Record<string, Json>;
  open: string[];
  helpers: Set<string>;
  next: number;
};
/** One schema object of a value's `$ref` chain; `ref` names the referenced schema, if any. */
type Part = { schema: Json; where: string; ref: string | undefined };

function fail(where: string, problem: string): never {
  throw new Error(
    `scripts/compact-validator.ts cannot compile ${where}: ${problem}. The SDK's compact ` +
      `validator supports ${[...KEYWORDS.keys()].join(", ")} (plus annotations and x-* keys). ` +
      "Teach it the new rule in scripts/compact-validator.ts, with a case in " +
      "test/pipeline/compact-validator.test.ts and the Ajv differential test, or express the " +
      "rule with the supported keywords.",
  );
}

/** `"a" + "b"` as `"ab"`: both are JS expressions, joined when a literal meets a literal. */
function join(left: string, right: string): string {
  return left.endsWith('"') && right.startsWith('"')
    ? `${left.slice(0, -1)}${right.slice(1)}`
    : `${left} + ${right}`;
}

/** The JS expression of an issue: the path (`null` at the root) and the rule. */
function issue(path: Path, rule: string): string {
  return join(path ?? JSON.stringify(ROOT_LABEL), JSON.stringify(` ${rule}`));
}

const keyPath = (path: Path, key: string) => (path === null ? key : join(join(path, '"."'), key));

/** The schema and every schema its `$ref`s lead to, each checked for unsupported keywords. */
function partsOf(schema: unknown, where: string, ctx: Context, seen: string[] = []): Part[] {
  if (schema === true) return [];
  if (schema === null || typeof schema !== "object" || Array.isArray(schema))
    fail(where, "a schema must be an object (or `true`)");
  const node = schema as Json;
  for (const key of Object.keys(node)) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key) && !key.startsWith("x-"))
      fail(where, `keyword "${key}" is not supported`);
  }
  const parts: Part[] = [{ schema: node, where, ref: seen.at(-1) }];
  // `allOf`: every subschema applies to the same value, as the schema's own keywords do.
  if (node.allOf !== undefined) {
    if (!Array.isArray(node.allOf) || node.allOf.length === 0)
      fail(`${where}/allOf`, "allOf must be a non-empty list of schemas");
    node.allOf.forEach((sub, i) => parts.push(...partsOf(sub, `${where}/allOf/${i}`, ctx, seen)));
  }
  if (node.$ref === undefined) return parts;
  const ref = node.$ref;
  if (typeof ref !== "string" || !ref.startsWith(REF_PREFIX))
    fail(where, `$ref must point into ${REF_PREFIX}`);
  const name = ref.slice(REF_PREFIX.length);
  if (seen.includes(name) || ctx.open.includes(name)) fail(where, `$ref ${ref} is recursive`);
  if (!(name in ctx.schemas)) fail(where, `$ref ${ref} names no schema`);
  return [...parts, ...partsOf(ctx.schemas[name], ref, ctx, [...seen, name])];
}

/** `scopes[0] is not a well-formed scope`: the referenced schema's name, when there is one. */
function patternRule(ref: string | undefined): string {
  if (ref === undefined) return "does not match the required format";
  return `is not a well-formed ${ref.replace(/(?<=[a-z0-9])(?=[A-Z])/g, " ").toLowerCase()}`;
}

/** The statements checking one keyword of `part`, the value (variable `v`) being of its type. */
function keyword(part: Part, key: string, v: string, path: Path, ctx: Context): string[] {
  const value = part.schema[key];
  const where = `${part.where}/${key}`;
  const push = (rule: string) => `e.push(${issue(path, rule)})`;
  switch (key) {
    case "const":
    case "enum": {
      const list = key === "const" ? [value] : value;
      if (!Array.isArray(list) || list.length === 0) fail(where, "enum must be a non-empty list");
      // Scalars only: `===` and `includes` compare them as Ajv does, objects need deep equality.
      const literals = list.map((item) => {
        if (item !== null && typeof item === "object") fail(where, `${key} of an object or array`);
        return JSON.stringify(item);
      });
      if (literals.length === 1)
        return [`${v} === ${literals[0]} || ${push(`must be ${literals[0]}`)};`];
      const one = literals.join(", ");
      return [`[${one}].includes(${v}) || ${push(`must be one of ${one}`)};`];
    }
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems": {
      const n = value as number;
      if (!Number.isSafeInteger(n) || n < 0) fail(where, "must be an integer >= 0");
      const [min, units] = [key.startsWith("min"), key.endsWith("Length") ? "character" : "item"];
      const size = units === "item" ? `${v}.length` : `L(${v})`;
      if (units === "character") ctx.helpers.add("L");
      const bound = `${n} ${units}${n === 1 ? "" : "s"}`;
      // min = max (a guid): one check, one clearer issue.
      const exact = part.schema[min ? key.replace("min", "max") : key.replace("max", "min")] === n;
      const [test, rule] = exact
        ? ["!==", `must have exactly ${bound}`]
        : min
          ? ["<", n === 1 ? "must not be empty" : `must have at least ${bound}`]
          : [">", `must have at most ${bound}`];
      return exact && !min ? [] : [`${size} ${test} ${n} && ${push(rule)};`];
    }
    case "pattern": {
      if (typeof value !== "string") fail(where, "pattern must be a string");
      let source: string;
      try {
        source = new RegExp(value, "u").source;
      } catch (error) {
        fail(where, `pattern is not a valid Unicode regular expression (${String(error)})`);
      }
      return [`/${source}/u.test(${v}) || ${push(patternRule(part.ref))};`];
    }
    case "uniqueItems": {
      if (typeof value !== "boolean") fail(where, "uniqueItems must be a boolean");
      if (!value) return [];
      // A Set compares scalars as Ajv does; objects would need a deep-equality helper.
      const items = part.schema.items;
      const itemType =
        items === undefined ? undefined : typeOf(partsOf(items, `${part.where}/items`, ctx));
      if (!["string", "integer", "number", "boolean"].includes(itemType ?? ""))
        fail(where, "uniqueItems needs `items` of a type string, number, integer or boolean");
      return [`new Set(${v}).size < ${v}.length && ${push("must not contain duplicates")};`];
    }
    case "items": {
      const i = `i${ctx.next++}`;
      const x = `v${ctx.next++}`;
      const itemPath = join(path ?? JSON.stringify(ROOT_LABEL), `"[" + ${i} + "]"`);
      const body = check(value, `${part.where}/items`, x, itemPath, ctx);
      // An index loop, not forEach: a hole in a sparse array is an (undefined) item, as for Ajv.
      const loop = `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`;
      return body.length === 0 ? [] : [loop, `  const ${x} = ${v}[${i}];`, ...indent(body), "}"];
    }
    case "required": {
      if (!Array.isArray(value) || value.some((name) => typeof name !== "string"))
        fail(where, "required must be a list of property names");
      const names = JSON.stringify(value);
      const rule = issue(keyPath(path, "k"), "is required");
      return value.length === 0
        ? []
        : [`for (const k of ${names}) ${v}[k] === undefined && e.push(${rule});`];
    }
    case "additionalProperties": {
      if (value === true) return [];
      if (value !== false) fail(where, "additionalProperties must be false (or true)");
      const allowed = JSON.stringify(Object.keys((part.schema.properties ?? {}) as Json));
      const rule = issue(keyPath(path, "k"), "is not allowed");
      return [`for (const k in ${v}) ${allowed}.includes(k) || e.push(${rule});`];
    }
    case "properties": {
      if (value === null || typeof value !== "object" || Array.isArray(value))
        fail(where, "properties must be an object");
      const lines: string[] = [];
      for (const [name, schema] of Object.entries(value as Json)) {
        const x = `v${ctx.next++}`;
        const body = check(schema, `${where}/${name}`, x, keyPath(path, JSON.stringify(name)), ctx);
        if (body.length === 0) continue;
        lines.push(`const ${x} = ${v}[${JSON.stringify(name)}];`);
        lines.push(`if (${x} !== undefined) {`, ...indent(body), "}");
      }
      return lines; // Each variable has its own name: no block needed.
    }
    default:
      return []; // `type`, `$ref` and `allOf`: handled by `check` and `partsOf`.
  }
}

/** The one `type` a `$ref` chain agrees on; undefined when none says. */
function typeOf(parts: Part[]): string | undefined {
  let found: string | undefined;
  for (const { schema, where } of parts) {
    const type = schema.type;
    if (type === undefined) continue;
    if (typeof type !== "string" || !(type in TYPES))
      fail(`${where}/type`, `type must be one of ${Object.keys(TYPES).join(", ")} (a single type)`);
    if (found !== undefined && found !== type) fail(where, `type ${type} conflicts with ${found}`);
    found = type;
  }
  return found;
}

/** The statements checking the value in variable `v` against `schema`. */
function check(schema: unknown, where: string, v: string, path: Path, ctx: Context): string[] {
  const parts = partsOf(schema, where, ctx);
  const type = typeOf(parts);
  const lines: string[] = [];
  const refs = parts.flatMap((part) => (part.ref === undefined ? [] : [part.ref]));
  ctx.open.push(...refs);
  for (const part of parts) {
    for (const key of Object.keys(part.schema)) {
      const appliesTo = KEYWORDS.get(key);
      if (appliesTo === undefined || appliesTo === "any" || appliesTo === type) {
        lines.push(...keyword(part, key, v, path, ctx));
      } else {
        // Ajv's strictTypes asks the same: a type-specific keyword says which type it expects.
        fail(`${part.where}/${key}`, `${key} applies to ${appliesTo}s: add "type: ${appliesTo}"`);
      }
    }
  }
  ctx.open.length -= refs.length;
  if (type === undefined) return lines;
  const { test, noun } = TYPES[type]!;
  if (type === "object") ctx.helpers.add("O");
  const wrong = `e.push(${issue(path, `must be ${noun}`)});`;
  if (lines.length === 0) return [`${test(v)} || ${wrong}`];
  return [`if (${test(v)}) {`, ...indent(lines), `} else ${wrong}`];
}

const indent = (lines: string[]) => lines.map((line) => `  ${line}`);

/**
 * The module: the helpers the checks use, then one exported function per entry of `exports`
 * (export name -> name of a schema in `schemas`). `schemas` are the spec's component schemas as
 * the validators see them (annotations may stay; `$ref`s point to `#/components/schemas/...`).
 */
export function compactValidatorModule(
  schemas: Record<string, Json>,
  exports: Record<string, string>,
): string {
  const ctx: Context = { schemas, open: [], helpers: new Set(), next: 1 };
  const functions = Object.entries(exports).map(([exportName, schemaName]) => {
    if (!(schemaName in schemas)) throw new Error(`no schema named ${schemaName} to compile`);
    // Through a `$ref`, so that an issue names the schema as it does where one refers to it
    // (`body is not a well-formed scope`, not `does not match the required format`).
    const root = { $ref: `${REF_PREFIX}${schemaName}` };
    const body = check(root, `export ${exportName}`, "v0", null, ctx);
    const head = `/** Checks a ${schemaName}: the issues found, none when it is valid. */`;
    return [head, `export function ${exportName}(v0) {`, "  const e = [];", ...indent(body)]
      .concat("  return e;", "}")
      .join("\n");
  });
  const helpers = [...ctx.helpers].sort().map((name) => HELPERS[name]);
  return `${[...helpers, ...functions].join("\n\n")}\n`;
}

/** The matching declarations. */
export function compactValidatorTypes(exports: Record<string, string>): string {
  const doc = (name: string) =>
    `/** Checks data against the spec's ${name}: issues as \`path rule\`, never the value; none when valid. */`;
  const declare = ([exportName, name]: [string, string]) =>
    `${doc(name)}\nexport declare function ${exportName}(data: unknown): string[];\n`;
  return Object.entries(exports).map(declare).join("\n");
}
