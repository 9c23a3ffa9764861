/**
 * OpenAPI 3.1 breaking-change classifier: `diffSpecs(old, new)` lists what changed between two
 * parsed documents, each change tagged with a kind and a severity; `suggestBump` turns that into
 * the changeset bump. It walks operations (not raw YAML) so that a `$ref` moved to another
 * component, or a renamed component with the same shape, is not reported as a change.
 */
import { SchemaComparer, resolvePointer } from "./schema.js";
import { severityOf } from "./types.js";
import type { Bump, Change, ChangeKind, Json } from "./types.js";

export * from "./types.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const objectAt = (v: unknown, key: string): Json => (isObject(v) && isObject(v[key]) ? v[key] : {});

/** Follows `$ref`s of non-schema objects (responses, parameters, request bodies, headers). */
function deref(doc: Json, value: unknown): Json {
  let current = value;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string" && hops < 32; hops++) {
    current = resolvePointer(doc, current.$ref);
  }
  return isObject(current) ? current : {};
}

/** Operations keyed `METHOD /path`, with path-level parameters merged into each. */
function operations(doc: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [path, rawItem] of Object.entries(objectAt(doc, "paths"))) {
    const item = deref(doc, rawItem);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      if (!isObject(item[method])) continue;
      const op = item[method];
      const own = Array.isArray(op.parameters) ? op.parameters : [];
      out.set(`${method.toUpperCase()} ${path}`, { ...op, parameters: [...shared, ...own] });
    }
  }
  return out;
}

function parametersOf(doc: Json, op: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const raw of Array.isArray(op.parameters) ? op.parameters : []) {
    const p = deref(doc, raw);
    out.set(`${String(p.in)} parameter ${String(p.name)}`, p);
  }
  return out;
}

/** Compares two parsed OpenAPI documents; an empty list means they are equivalent. */
export function diffSpecs(oldDoc: Json, newDoc: Json): Change[] {
  const changes: Change[] = [];
  const seen = new Set<string>();
  const emit = (kind: ChangeKind, location: string, message: string) => {
    const id = `${kind}|${location}|${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    changes.push({ kind, severity: severityOf(kind), location, message });
  };
  const schemas = new SchemaComparer(oldDoc, newDoc, emit);

  /** Content maps (media type -> { schema }) of request bodies and responses. */
  const compareContent = (o: Json, n: Json, dir: "request" | "response", loc: string) => {
    const [oc, nc] = [objectAt(o, "content"), objectAt(n, "content")];
    for (const type of Object.keys(oc)) {
      if (!(type in nc)) emit("removed-content-type", loc, `${dir} content type ${type} removed`);
      else
        schemas.compare(
          objectAt(oc, type).schema,
          objectAt(nc, type).schema,
          dir,
          `${loc} ${type}`,
        );
    }
    for (const type of Object.keys(nc)) {
      if (!(type in oc)) emit("added-content-type", loc, `${dir} content type ${type} added`);
    }
  };

  const oldOps = operations(oldDoc);
  const newOps = operations(newDoc);
  for (const [key, o] of oldOps) {
    const n = newOps.get(key);
    if (!n) {
      emit("removed-operation", key, `operation ${String(o.operationId ?? key)} removed`);
      continue;
    }
    for (const k of ["summary", "description", "deprecated"] as const) {
      if (JSON.stringify(o[k]) !== JSON.stringify(n[k])) emit("documentation", key, `${k} changed`);
    }

    const [op, np] = [parametersOf(oldDoc, o), parametersOf(newDoc, n)];
    for (const [name, p] of op) {
      const q = np.get(name);
      if (!q) emit("removed-property", `${key} ${name}`, "parameter removed");
      else {
        if (p.required !== true && q.required === true) {
          emit("new-required-field", `${key} ${name}`, "parameter became required");
        }
        schemas.compare(p.schema, q.schema, "request", `${key} ${name}`);
      }
    }
    for (const [name, q] of np) {
      if (op.has(name)) continue;
      if (q.required === true)
        emit("new-required-field", `${key} ${name}`, "new required parameter");
      else emit("added-optional-field", `${key} ${name}`, "new optional parameter");
    }

    const [ob, nb] = [deref(oldDoc, o.requestBody), deref(newDoc, n.requestBody)];
    if (ob.required !== true && nb.required === true) {
      emit("new-required-field", `${key} request`, "request body became required");
    }
    compareContent(ob, nb, "request", `${key} request`);

    const [or, nr] = [objectAt(o, "responses"), objectAt(n, "responses")];
    for (const status of Object.keys(or)) {
      const loc = `${key} ${status}`;
      if (!(status in nr)) {
        emit("removed-response-status", loc, `response ${status} removed`);
        continue;
      }
      const [a, b] = [deref(oldDoc, or[status]), deref(newDoc, nr[status])];
      compareContent(a, b, "response", loc);
      const [ah, bh] = [objectAt(a, "headers"), objectAt(b, "headers")];
      for (const h of Object.keys(ah)) {
        if (!(h in bh)) emit("removed-property", `${loc} header ${h}`, "response header removed");
      }
      for (const h of Object.keys(bh)) {
        if (!(h in ah)) emit("added-optional-field", `${loc} header ${h}`, "response header added");
      }
    }
    for (const status of Object.keys(nr)) {
      if (!(status in or))
        emit("added-response-status", `${key} ${status}`, `response ${status} added`);
    }
  }
  for (const [key, n] of newOps) {
    if (!oldOps.has(key))
      emit("added-operation", key, `operation ${String(n.operationId ?? key)} added`);
  }

  // Named schemas are part of the SDK's exported types (`components["schemas"][...]`).
  const [os, ns] = [
    objectAt(objectAt(oldDoc, "components"), "schemas"),
    objectAt(objectAt(newDoc, "components"), "schemas"),
  ];
  for (const name of Object.keys(os)) {
    if (!(name in ns)) emit("removed-schema", `#/components/schemas/${name}`, "schema removed");
  }
  for (const name of Object.keys(ns)) {
    if (!(name in os)) emit("added-schema", `#/components/schemas/${name}`, "schema added");
  }

  // Anything else (info, servers, tags, examples outside schemas) still deserves a patch.
  if (changes.length === 0 && JSON.stringify(oldDoc) !== JSON.stringify(newDoc)) {
    emit("documentation", "document", "non-functional changes (info, servers, tags, examples)");
  }
  return changes;
}

/** Semver bump for a list of changes: any breaking change is major, any addition is minor. */
export function suggestBump(changes: readonly Change[]): Bump {
  if (changes.some((c) => c.severity === "breaking")) return "major";
  if (changes.some((c) => c.severity === "minor")) return "minor";
  return changes.length > 0 ? "patch" : "none";
}

/**
 * The bump a changeset should declare for `version`: semver gives 0.x releases no major, so
 * while the package is 0.x a breaking change is a minor bump (and changesets would otherwise
 * jump straight to 1.0.0).
 */
export function bumpForVersion(bump: Bump, version: string): Bump {
  return bump === "major" && /^0\./.test(version) ? "minor" : bump;
}

const BUMP_ORDER: readonly Bump[] = ["none", "patch", "minor", "major"];
export const bumpRank = (bump: Bump): number => BUMP_ORDER.indexOf(bump);

export function formatReport(changes: readonly Change[]): string {
  const groups = [
    ["breaking", "Breaking changes", "✗"],
    ["minor", "Additions", "+"],
    ["patch", "Patch-level changes", "~"],
  ] as const;
  const lines: string[] = [];
  for (const [severity, title, mark] of groups) {
    const list = changes.filter((c) => c.severity === severity);
    if (list.length === 0) continue;
    lines.push(`${title} (${list.length}):`);
    for (const c of list) lines.push(`  ${mark} [${c.kind}] ${c.location}: ${c.message}`);
    lines.push("");
  }
  if (changes.length === 0) lines.push("No changes to the API contract.", "");
  lines.push(`Suggested changeset bump: ${suggestBump(changes)}`);
  return lines.join("\n");
}
