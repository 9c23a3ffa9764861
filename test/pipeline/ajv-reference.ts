/**
 * Ajv as the reference the compact validators are held to: the same schemas, compiled the way
 * the pipeline compiles the server's (Ajv 2020-12, strict mode, `x-extensible-enum` known).
 */
import ajv2020Module from "ajv/dist/2020.js";

// CommonJS with `exports.default`; under NodeNext the default import is the module.
const Ajv2020 = ajv2020Module.default;

type Json = Record<string, unknown>;

/** A verdict function per schema name; `$ref`s to `#/components/schemas/...` resolve. */
export function ajvReference(
  schemas: Record<string, Json>,
): (name: string) => (data: unknown) => boolean {
  const ajv = new Ajv2020({ strict: true });
  ajv.addVocabulary(["x-extensible-enum"]);
  const idOf = (name: string) => `https://compact-validator.invalid/${name}`;
  for (const [name, schema] of Object.entries(schemas)) {
    const text = JSON.stringify({ ...schema, $id: idOf(name) });
    ajv.addSchema(JSON.parse(text.replaceAll('"#/components/schemas/', `"${idOf("")}`)) as Json);
  }
  return (name) => {
    const validate = ajv.getSchema(idOf(name));
    if (validate === undefined) throw new Error(`no schema ${name}`);
    return (data) => validate(data) === true;
  };
}
