/**
 * The generation pipeline as pure functions: spec in, file contents out. `generate.ts` writes
 * them, `check-generated.ts` compares them with what is committed. Keeping both on one code
 * path is what makes the freshness check trustworthy.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { parse } from "yaml";
import ajv2020Module from "ajv/dist/2020.js";
import standaloneModule from "ajv/dist/standalone/index.js";
import { compactValidatorModule, compactValidatorTypes } from "./compact-validator.js";
import { scopeSetsModule } from "./scope-sets.js";

// Both are CommonJS with `exports.default`; under NodeNext the default import is the module.
const Ajv2020 = ajv2020Module.default;
const standaloneCode = standaloneModule.default;

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SPEC_PATH = `${ROOT}spec/openapi.yaml`;
export const GENERATED_DIR = `${ROOT}generated`;

type Json = Record<string, unknown>;

/**
 * The schemas compiled into validators. "server" variants follow the spec to the letter (the
 * emulator uses them); "client" variants relax every `x-extensible-enum` to its `pattern`, so
 * that an SDK release keeps working when the server learns a scope it does not know yet. Ajv
 * compiles the server's, scripts/compact-validator.ts the client's (a tenth of Ajv's bytes).
 */
const VALIDATED_SCHEMAS = [
  "ClientCredentialsRequest",
  "PostCustomerToken",
  "Scope",
  "CustomerScope",
  "ScopeString",
  "AccessToken",
  "CustomerToken",
  "ErrorResponse",
  "OAuthError",
  "ProviderError",
] as const;
// `Scope` alone too: the SDK checks each entry of a bank token's `scopes` as one scope, before it
// joins them into the grant's space-separated `scope` (src/validation/validate.ts).
const CLIENT_SCHEMAS = ["ClientCredentialsRequest", "PostCustomerToken", "Scope"] as const;

export function readSpec(path = SPEC_PATH): Json {
  return parse(readFileSync(path, "utf8")) as Json;
}

function schemasOf(spec: Json): Record<string, Json> {
  const components = spec.components as { schemas?: Record<string, Json> } | undefined;
  if (!components?.schemas) throw new Error("spec has no components.schemas");
  return components.schemas;
}

/** Keywords that document a schema but do not validate: dropped from the compiled copy. */
const ANNOTATIONS = new Set([
  "title",
  "description",
  "examples",
  "example",
  "writeOnly",
  "readOnly",
]);

/**
 * The copy of the schemas that Ajv compiles: annotations dropped, and a primitive `const`
 * written as a one-value `enum`, which Ajv compiles to `===` instead of a deep-equal helper.
 */
function compilable<T>(node: T): T {
  if (Array.isArray(node)) return node.map(compilable) as T;
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (ANNOTATIONS.has(key) && typeof value !== "object") continue;
    // Extensions document (x-enumDescriptions, x-cybrid-id-token-type); only one steers the
    // validators, and the client's relaxation reads it.
    if (key.startsWith("x-") && key !== "x-extensible-enum") continue;
    if (key === "examples" || key === "format") continue;
    if (key === "const" && (value === null || typeof value !== "object")) out.enum = [value];
    else out[key] = compilable(value);
  }
  return out as T;
}

/**
 * Copies the `type` of a referenced schema next to its `$ref`. Ajv only knows an array's item
 * type from the items schema itself; knowing it, `uniqueItems` on strings compiles to a
 * lookup table instead of a deep-equal helper.
 */
function withRefTypes(schemas: Record<string, Json>): Record<string, Json> {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== "object") return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node as Json)) out[key] = visit(value);
    const ref = out.$ref;
    if (typeof ref === "string" && out.type === undefined) {
      const target = schemas[ref.replace("#/components/schemas/", "")];
      if (typeof target?.type === "string") out.type = target.type;
    }
    return out;
  };
  return visit(schemas) as Record<string, Json>;
}

/** Deep copy with every `x-extensible-enum` schema's `enum` removed (its `pattern` stays). */
function relaxExtensibleEnums<T>(node: T): T {
  if (Array.isArray(node)) return node.map(relaxExtensibleEnums) as T;
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  const extensible = (node as Json)["x-extensible-enum"] === true;
  for (const [key, value] of Object.entries(node as Json)) {
    if (extensible && key === "enum") continue;
    out[key] = relaxExtensibleEnums(value);
  }
  return out as T;
}

/** Ajv rejects unknown keywords in strict mode; the spec's annotations are not validation. */
function newAjv(): InstanceType<typeof Ajv2020> {
  const code = { source: true, esm: true, lines: true };
  const ajv = new Ajv2020({ code, strict: true, allErrors: true });
  ajv.addVocabulary(["x-extensible-enum"]);
  return ajv;
}

type Side = "server" | "client";

/**
 * The schemas as the validators compile them (`$ref`s still to `#/components/schemas/...`); the
 * differential test compiles the client's with Ajv too, to hold the compact ones to its verdicts.
 */
export function validatorSchemas(spec: Json, side: Side): Record<string, Json> {
  const schemas = withRefTypes(compilable(schemasOf(spec)));
  return side === "client" ? relaxExtensibleEnums(schemas) : schemas;
}

/** Ajv's ucs2length: a string's length in code points, as JSON Schema counts it. */
const UCS2LENGTH = `function ucs2length(str) {
  let length = 0;
  for (let pos = 0; pos < str.length; length++) {
    const code = str.charCodeAt(pos++);
    if (code >= 0xd800 && code <= 0xdbff && pos < str.length) {
      if ((str.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}`;

/** The server's standalone validator source, bundled so that it imports nothing at run time. */
function validatorModule(spec: Json): string {
  const schemas = validatorSchemas(spec, "server");
  const ajv = newAjv();
  const exportsMap: Record<string, string> = {};
  // Absolute ids, so that `$ref`s between the schemas resolve without a base document.
  const idOf = (prefix: string, name: string) => `https://cybrid-id.invalid/${prefix}/${name}`;
  const addAll = (prefix: string, source: Record<string, Json>, names: readonly string[]) => {
    for (const name of Object.keys(source)) {
      ajv.addSchema({ ...source[name], $id: idOf(prefix, name) });
    }
    for (const name of names) exportsMap[`${prefix}${name}`] = idOf(prefix, name);
  };
  // `$ref: '#/components/schemas/X'` is rewritten to the sibling schema's id.
  const rewrite = (prefix: string, source: Record<string, Json>) =>
    JSON.parse(
      JSON.stringify(source).replaceAll('"#/components/schemas/', `"${idOf(prefix, "")}`),
    ) as Record<string, Json>;
  addAll("server", rewrite("server", schemas), VALIDATED_SCHEMAS);
  // Ajv's ESM output still require()s its runtime helpers. The schemas are kept to keywords
  // that need only ucs2length (minLength/maxLength in code points), inlined here so that the
  // module imports nothing at run time; any other helper is a new keyword to handle first.
  const code = standaloneCode(ajv, exportsMap)
    .replace('"use strict";', "")
    .replaceAll('require("ajv/dist/runtime/ucs2length").default', "ucs2length");
  const leftover = /require\("([^"]+)"\)/.exec(code);
  if (leftover) throw new Error(`validators need the Ajv runtime ${leftover[1]}: inline it first`);
  return `${COMMENT_HEADER.replace("openapi-typescript", "scripts/generate.ts (Ajv standalone)")}${UCS2LENGTH}\n${code}\n`;
}

const ISSUE_TYPES = [
  "/** An Ajv error object, as the generated validators report them. */",
  "export interface SpecValidationIssue {",
  "  instancePath: string;",
  "  schemaPath: string;",
  "  keyword: string;",
  "  params: Record<string, unknown>;",
  "  message?: string;",
  "}",
  "",
  "/** A validator compiled from one schema of spec/openapi.yaml. */",
  "export interface SpecValidator<T> {",
  "  (data: unknown): data is T;",
  "  errors?: SpecValidationIssue[] | null;",
  "}",
];

function validatorTypes(): string {
  const lines = [
    COMMENT_HEADER.replace("openapi-typescript", "scripts/generate.ts"),
    'import type { components } from "./openapi.js";',
    "",
    ...ISSUE_TYPES,
    "",
  ];
  for (const name of VALIDATED_SCHEMAS) {
    lines.push(
      `export declare const server${name}: SpecValidator<components["schemas"]["${name}"]>;`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `client<Schema>(data) => string[]`: plain checks, no imports, for the neutral main bundle. */
function clientValidators(spec: Json, header: string): [string, string] {
  const exportsMap = Object.fromEntries(CLIENT_SCHEMAS.map((name) => [`client${name}`, name]));
  return [
    `${header}${compactValidatorModule(validatorSchemas(spec, "client"), exportsMap)}`,
    `${header}${compactValidatorTypes(exportsMap)}`,
  ];
}

/**
 * The error codes the SDK's retry and refresh rules act on, read from the spec's named examples:
 * `x-cybrid-id-rate-limit` marks a rate limit, `x-cybrid-id-new-bank-token` a 401 that a new
 * bank token fixes; every other 403 example is a permission problem.
 */
export function errorCodes(spec: Json): Record<string, string[]> {
  const responses = (spec.components as { responses?: Record<string, Json> }).responses ?? {};
  const resolve = (node: Json): Json => {
    const ref = node.$ref;
    return typeof ref === "string" ? (responses[ref.split("/").pop() ?? ""] ?? {}) : node;
  };
  const codes = {
    rateLimit: new Set<string>(),
    permission: new Set<string>(),
    newBankToken: new Set<string>(),
  };
  for (const item of Object.values(spec.paths as Record<string, Record<string, Json>>)) {
    for (const operation of Object.values(item)) {
      const byStatus = (operation.responses ?? {}) as Record<string, Json>;
      for (const [status, raw] of Object.entries(byStatus)) {
        const content = (resolve(raw).content ?? {}) as Record<string, Json>;
        for (const media of Object.values(content)) {
          for (const example of Object.values((media.examples ?? {}) as Record<string, Json>)) {
            const value = (example.value ?? {}) as Json;
            const code = value.message_code ?? value.error ?? value.code;
            if (typeof code !== "string") continue;
            if (example["x-cybrid-id-rate-limit"] === true) codes.rateLimit.add(code);
            else if (status === "403") codes.permission.add(code);
            if (example["x-cybrid-id-new-bank-token"] === true) codes.newBankToken.add(code);
          }
        }
      }
    }
  }
  return Object.fromEntries(Object.entries(codes).map(([key, set]) => [key, [...set].sort()]));
}

function errorCodesModule(spec: Json): [string, string] {
  const header = COMMENT_HEADER.replace("openapi-typescript", "scripts/generate.ts");
  const codes = errorCodes(spec);
  const docs: Record<string, string> = {
    rateLimit: "Codes of the answers the spec marks as a rate limit (x-cybrid-id-rate-limit).",
    permission: "Codes of the spec's other 403 answers: permission problems, never retried.",
    newBankToken: "Codes of the 401s that a new bank token fixes (x-cybrid-id-new-bank-token).",
  };
  const js = Object.entries(codes)
    .map(
      ([key, list]) => `/** ${docs[key]} */\nexport const ${key}Codes = ${JSON.stringify(list)};\n`,
    )
    .join("\n");
  const dts = Object.keys(codes)
    .map((key) => `/** ${docs[key]} */\nexport declare const ${key}Codes: readonly string[];\n`)
    .join("\n");
  return [`${header}${js}`, `${header}${dts}`];
}

async function typesModule(specPath: string): Promise<string> {
  const ast = await openapiTS(new URL(`file://${specPath}`), { silent: true });
  return COMMENT_HEADER + astToString(ast);
}

/** Every file of generated/, by name, as the spec says it should be. */
export async function renderGenerated(specPath = SPEC_PATH): Promise<Map<string, string>> {
  const spec = readSpec(specPath);
  const header = COMMENT_HEADER.replace("openapi-typescript", "scripts/generate.ts");
  const [codesJs, codesDts] = errorCodesModule(spec);
  const [clientJs, clientDts] = clientValidators(spec, header);
  const [scopesJs, scopesDts] = scopeSetsModule(schemasOf(spec), header);
  return new Map([
    ["error-codes.js", codesJs],
    ["error-codes.d.ts", codesDts],
    ["openapi.d.ts", await typesModule(specPath)],
    ["validators.js", validatorModule(spec)],
    ["validators.d.ts", validatorTypes()],
    ["client-validators.js", clientJs],
    ["client-validators.d.ts", clientDts],
    ["scope-sets.js", scopesJs],
    ["scope-sets.d.ts", scopesDts],
    ["spec.js", `${header}export const spec = ${JSON.stringify(spec, null, 2)};\n`],
    [
      "spec.d.ts",
      `${header}/** spec/openapi.yaml as data, for the emulator and the docs. */\nexport declare const spec: {\n  paths: Record<string, Record<string, any>>;\n  components: Record<string, Record<string, any>>;\n  [key: string]: unknown;\n};\n`,
    ],
  ]);
}
