/**
 * The spec's responses read independently of the emulator's own reader, so that the tests do
 * not trust the code they test: named examples, declared statuses and a schema validator for
 * every (path, status, content type), compiled with Ajv 2020 over generated/spec.js.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { spec } from "../../generated/spec.js";

type Node = Record<string, any>;
const SPEC_ID = "https://cybrid-id.invalid/spec";

function resolve(node: Node | undefined): Node | undefined {
  let current = node;
  while (current && typeof current.$ref === "string") {
    const pointer = (current.$ref as string).slice(2).split("/");
    current = pointer.reduce<Node | undefined>(
      (n, key) => n?.[key.replaceAll("~1", "/").replaceAll("~0", "~")],
      spec as Node,
    );
  }
  return current;
}

export function responseOf(path: string, status: number): Node | undefined {
  return resolve(spec.paths[path]?.post?.responses?.[String(status)]);
}

export function declaredStatuses(path: string): number[] {
  return Object.keys(spec.paths[path]?.post?.responses ?? {}).map(Number);
}

/** The value of the spec's named example for (path, status); throws when there is none. */
export function example(path: string, status: number, name: string): unknown {
  const value = resolve(responseOf(path, status)?.content?.["application/json"]?.examples?.[name])
    ?.value as unknown;
  if (value === undefined) throw new Error(`no example ${name} for ${status} on ${path}`);
  return value;
}

/** Every example name the spec gives for (path, status). */
export function exampleNames(path: string, status: number): string[] {
  return Object.keys(responseOf(path, status)?.content?.["application/json"]?.examples ?? {});
}

// The whole document is added as one schema so that its internal `$ref`s resolve; strict mode
// is off because an OpenAPI document is not a JSON Schema (openapi, info, paths...).
const ajv = new Ajv2020({ strict: false, allErrors: true, formats: { password: true } });
ajv.addSchema(spec as object, SPEC_ID);

function pointerTo(path: string, status: number): string {
  const escape = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
  const raw = spec.paths[path]?.post?.responses?.[String(status)] as Node | undefined;
  // A response that is a `$ref` (components/responses) is addressed where it is defined.
  const base =
    typeof raw?.$ref === "string"
      ? (raw.$ref as string).slice(1)
      : `/paths/${escape(path)}/post/responses/${status}`;
  return base;
}

/** Validates a body against the schema of (path, status, content type); returns Ajv's errors. */
export function validateResponse(
  path: string,
  status: number,
  contentType: string,
  body: unknown,
): { valid: boolean; errors: string } {
  const type = contentType.split(";")[0]?.trim() ?? "";
  if (responseOf(path, status)?.content?.[type]?.schema === undefined) {
    return { valid: false, errors: `no schema for ${status} ${type} on ${path}` };
  }
  const escape = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
  const ref = `${SPEC_ID}#${pointerTo(path, status)}/content/${escape(type)}/schema`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  const valid = validate(body) === true;
  return { valid, errors: ajv.errorsText(validate.errors) };
}
