/**
 * What the spec says the Redoc reference must show, read from spec/openapi.yaml: per operation
 * its summary, tag, request body properties, response codes with their body properties, and
 * every named example; plus Redoc's hash route to it. Used by reference.browser.test.ts.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { SPEC } from "../../scripts/build-docs.js";

type Json = Record<string, unknown>;
const spec = parseYaml(readFileSync(SPEC, "utf8")) as Json;

function deref(node: unknown): Json {
  let current = node as Json;
  for (let depth = 0; typeof current?.$ref === "string" && depth < 10; depth++) {
    const path = (current.$ref as string).replace(/^#\//, "").split("/");
    current = path.reduce<unknown>((at, key) => (at as Json)[key], spec) as Json;
  }
  return current;
}

export interface ExampleCase {
  code: string;
  name: string;
  label: string;
  value: unknown;
}

export interface OperationCase {
  operationId: string;
  summary: string;
  tag: string;
  requestProperties: string[];
  responses: { code: string; properties: string[] }[];
  examples: ExampleCase[];
}

function properties(schema: unknown): string[] {
  const resolved = deref(schema);
  return resolved?.properties ? Object.keys(resolved.properties as Json) : [];
}

function operations(): OperationCase[] {
  const result: OperationCase[] = [];
  for (const pathItem of Object.values(spec.paths as Json)) {
    for (const raw of Object.values(pathItem as Json)) {
      const op = raw as Json;
      const body = deref(op.requestBody);
      const firstMedia = Object.values((body?.content as Json | undefined) ?? {})[0] as Json;
      const responses: OperationCase["responses"] = [];
      const examples: ExampleCase[] = [];
      for (const [code, rawResponse] of Object.entries(op.responses as Json)) {
        const response = deref(rawResponse);
        const media = (response.content as Json | undefined)?.["application/json"] as
          Json | undefined;
        responses.push({ code, properties: properties(media?.schema) });
        for (const [name, rawExample] of Object.entries((media?.examples as Json) ?? {})) {
          const example = deref(rawExample);
          const label = typeof example.summary === "string" ? example.summary : name;
          examples.push({ code, name, label, value: example.value });
        }
      }
      result.push({
        operationId: op.operationId as string,
        summary: op.summary as string,
        tag: (op.tags as string[])[0] ?? "",
        requestProperties: properties(firstMedia?.schema),
        responses,
        examples,
      });
    }
  }
  return result;
}

export const OPERATIONS = operations();

/**
 * The scopes a customer token may carry (`CustomerScope`), each with the description that names
 * its token types, and the documented scopes it may not carry (the rest of `Scope`).
 */
export function customerScopes(): {
  allowed: { value: string; description: string }[];
  others: string[];
} {
  const schemas = (spec.components as Json).schemas as Record<string, Json>;
  const customer = schemas.CustomerScope ?? {};
  const descriptions = (customer["x-enumDescriptions"] ?? {}) as Record<string, string>;
  const values = (customer.enum ?? []) as string[];
  return {
    allowed: values.map((value) => ({ value, description: descriptions[value] ?? "" })),
    others: ((schemas.Scope?.enum ?? []) as string[]).filter((value) => !values.includes(value)),
  };
}

/** Redoc 3's hash route of an operation: `#/<tag slug>/<operationId, lower case>`. */
export function route(op: OperationCase): string {
  const tag = op.tag.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return `/${tag}/${op.operationId.toLowerCase()}`;
}
