/**
 * The generation pipeline as pure functions: spec in, file contents out. `generate.ts` writes
 * them, `check-generated.ts` compares them with what is committed. Keeping both on one code
 * path is what makes the freshness check trustworthy.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { parse } from "yaml";
import ajv2020Module from "ajv/dist/2020.js";
import standaloneModule from "ajv/dist/standalone/index.js";

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
 * that an SDK release keeps working when the server learns a scope it does not know yet.
 */
const VALIDATED_SCHEMAS = [
  "ClientCredentialsRequest",
  "PostCustomerToken",
  "Scope",
  "ScopeString",
  "AccessToken",
  "CustomerToken",
  "ErrorResponse",
  "OAuthError",
  "ProviderError",
] as const;
const CLIENT_SCHEMAS = ["ClientCredentialsRequest", "PostCustomerToken", "Scope"] as const;

export function readSpec(path = SPEC_PATH): Json {
  return parse(readFileSync(path, "utf8")) as Json;
}

function schemasOf(spec: Json): Record<string, Json> {
  const components = spec.components as { schemas?: Record<string, Json> } | undefined;
  if (!components?.schemas) throw new Error("spec has no components.schemas");
  return components.schemas;
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
  const ajv = new Ajv2020({
    code: { source: true, esm: true, lines: true },
    strict: true,
    allErrors: true,
    formats: { password: true },
  });
  ajv.addVocabulary(["x-extensible-enum"]);
  return ajv;
}

/** Standalone validator source, bundled so that it imports nothing at run time. */
async function validatorModule(spec: Json): Promise<string> {
  const schemas = schemasOf(spec);
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
  addAll("client", rewrite("client", relaxExtensibleEnums(schemas)), CLIENT_SCHEMAS);
  // Ajv's ESM output still require()s its runtime helpers (ucs2length, equal...): turn them
  // into imports that esbuild can inline.
  const runtimes: string[] = [];
  const body = standaloneCode(ajv, exportsMap).replace(
    /require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)/gi,
    (_: string, module: string) => {
      if (!runtimes.includes(module)) runtimes.push(module);
      return `__runtime${runtimes.indexOf(module)}`;
    },
  );
  const imports = runtimes.map((m, i) => `import * as __runtime${i} from "${m}.js";`);
  const esm = `${imports.join("\n")}\n${body.replace('"use strict";', "")}`;
  const bundled = await build({
    stdin: { contents: esm, resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    legalComments: "none",
    // Module path comments must not depend on where node_modules really lives.
    preserveSymlinks: true,
    absWorkingDir: ROOT,
    logLevel: "silent",
  });
  const code = bundled.outputFiles[0]?.text ?? "";
  return `${COMMENT_HEADER.replace("openapi-typescript", "scripts/generate.ts (Ajv standalone)")}${code}`;
}

function validatorTypes(): string {
  const lines = [
    COMMENT_HEADER.replace("openapi-typescript", "scripts/generate.ts"),
    'import type { components } from "./openapi.js";',
    "",
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
    "",
  ];
  for (const [prefix, names] of [
    ["server", VALIDATED_SCHEMAS],
    ["client", CLIENT_SCHEMAS],
  ] as const) {
    for (const name of names) {
      const type =
        prefix === "client" && name === "Scope"
          ? "string"
          : prefix === "client" && name === "PostCustomerToken"
            ? 'Omit<components["schemas"]["PostCustomerToken"], "scopes"> & { scopes: string[] }'
            : `components["schemas"]["${name}"]`;
      lines.push(`export declare const ${prefix}${name}: SpecValidator<${type}>;`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function typesModule(specPath: string): Promise<string> {
  const ast = await openapiTS(new URL(`file://${specPath}`), { silent: true });
  return COMMENT_HEADER + astToString(ast);
}

/** Every file of generated/, by name, as the spec says it should be. */
export async function renderGenerated(specPath = SPEC_PATH): Promise<Map<string, string>> {
  const spec = readSpec(specPath);
  const header = COMMENT_HEADER.replace("openapi-typescript", "scripts/generate.ts");
  return new Map([
    ["openapi.d.ts", await typesModule(specPath)],
    ["validators.js", await validatorModule(spec)],
    ["validators.d.ts", validatorTypes()],
    ["spec.js", `${header}export const spec = ${JSON.stringify(spec, null, 2)};\n`],
    [
      "spec.d.ts",
      `${header}/** spec/openapi.yaml as data, for the emulator and the docs. */\nexport declare const spec: {\n  paths: Record<string, Record<string, any>>;\n  components: Record<string, Record<string, any>>;\n  [key: string]: unknown;\n};\n`,
    ],
  ]);
}
