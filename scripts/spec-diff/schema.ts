/**
 * JSON Schema comparison for the spec classifier. A schema is compared *in a direction*: for a
 * request, the new schema must accept everything the old one did (users' existing payloads keep
 * validating); for a response, the new schema must not produce anything the old one could not
 * (users' existing reading code keeps type-checking). Constraint changes on responses only
 * affect the SDK's own validators, so they are patch-level.
 */
import type { ChangeKind, Direction, Json } from "./types.js";

export type Emit = (kind: ChangeKind, location: string, message: string) => void;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v) ?? "undefined";

/** Follows a local `$ref` (JSON pointer into the same document). Remote refs are not supported. */
export function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#")) throw new Error(`spec-diff: only local $refs are supported: ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Resolves `$ref` chains (OpenAPI 3.1 allows siblings next to `$ref`; they override the target,
 * as a `description` next to a `$ref` does) and flattens `allOf` into one object schema.
 * Returns the refs followed so that the caller can detect cycles.
 */
export function resolveSchema(doc: Json, schema: unknown, refs: string[] = []): Json {
  if (!isObject(schema)) return schema === false ? { not: {} } : {};
  let current: Json = schema;
  while (typeof current.$ref === "string") {
    const ref = current.$ref;
    if (refs.includes(ref)) break;
    refs.push(ref);
    const { $ref: _ignored, ...siblings } = current;
    const target = resolvePointer(doc, ref);
    current = { ...(isObject(target) ? target : {}), ...siblings };
  }
  if (Array.isArray(current.allOf)) {
    const { allOf, ...rest } = current;
    const merged: Json = { ...rest };
    const properties: Json = isObject(rest.properties) ? { ...rest.properties } : {};
    const required = new Set<string>(Array.isArray(rest.required) ? rest.required : []);
    for (const part of allOf) {
      const resolved = resolveSchema(doc, part, refs);
      Object.assign(properties, isObject(resolved.properties) ? resolved.properties : {});
      for (const name of Array.isArray(resolved.required) ? resolved.required : []) {
        required.add(String(name));
      }
      for (const [key, value] of Object.entries(resolved)) {
        if (key !== "properties" && key !== "required" && !(key in merged)) merged[key] = value;
      }
    }
    if (Object.keys(properties).length > 0) merged.properties = properties;
    if (required.size > 0) merged.required = [...required];
    current = merged;
  }
  return current;
}

/** The JSON types a schema admits, or `undefined` when it does not say (any type). */
function typesOf(s: Json): string[] | undefined {
  if (typeof s.type === "string") return [s.type];
  if (Array.isArray(s.type)) return s.type.map(String);
  if ("const" in s) return [s.const === null ? "null" : typeof s.const];
  return undefined;
}

/** Does type set `outer` admit every value of type set `inner`? (`number` admits `integer`.) */
function admits(outer: string[] | undefined, inner: string[] | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return inner.every((t) => outer.includes(t) || (t === "integer" && outer.includes("number")));
}

const LOWER_BOUNDS = ["minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"];
const UPPER_BOUNDS = ["maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"];
const DOC_KEYS = ["description", "title", "examples", "example", "deprecated"];

export class SchemaComparer {
  constructor(
    private readonly oldDoc: Json,
    private readonly newDoc: Json,
    private readonly emit: Emit,
  ) {}

  /** `ancestors` holds the ref pairs on the current path, so recursive schemas terminate. */
  compare(
    oldRaw: unknown,
    newRaw: unknown,
    dir: Direction,
    loc: string,
    ancestors = new Set<string>(),
  ) {
    const oldRefs: string[] = [];
    const newRefs: string[] = [];
    const o = resolveSchema(this.oldDoc, oldRaw, oldRefs);
    const n = resolveSchema(this.newDoc, newRaw, newRefs);
    const key = `${dir}|${oldRefs.join(",")}|${newRefs.join(",")}`;
    if ((oldRefs.length > 0 || newRefs.length > 0) && ancestors.has(key)) return;
    const inner = new Set(ancestors).add(key);

    if (!this.compareTypes(o, n, dir, loc)) return;
    this.compareEnums(o, n, dir, loc);
    this.compareBounds(o, n, dir, loc);
    this.compareStrings(o, n, dir, loc);
    this.compareProperties(o, n, dir, loc, inner);
    if (o.items !== undefined || n.items !== undefined) {
      this.compare(o.items, n.items, dir, `${loc}[]`, inner);
    }
    this.compareVariants(o, n, dir, loc, inner);
    if (DOC_KEYS.some((k) => show(o[k]) !== show(n[k]))) {
      this.emit("documentation", loc, "description, title, examples or deprecation changed");
    }
  }

  /** Returns false when the types are incompatible: deeper findings would only be noise. */
  private compareTypes(o: Json, n: Json, dir: Direction, loc: string): boolean {
    const [ot, nt] = [typesOf(o), typesOf(n)];
    const from = `${show(ot ?? "any")} to ${show(nt ?? "any")}`;
    if (dir === "request" && !admits(nt, ot)) {
      this.emit("narrowed-type", loc, `type changed from ${from}`);
      return false;
    }
    if (dir === "response" && !admits(ot, nt)) {
      this.emit("changed-response-type", loc, `type changed from ${from}`);
      return false;
    }
    if (show(ot) !== show(nt)) this.emit("relaxed-constraint", loc, `type widened from ${from}`);
    if (show(o.const) !== show(n.const)) {
      const narrowing = dir === "request" ? n.const !== undefined : o.const !== undefined;
      const kind = dir === "request" ? "narrowed-type" : "changed-response-type";
      if (narrowing)
        this.emit(kind, loc, `const changed from ${show(o.const)} to ${show(n.const)}`);
      else this.emit("relaxed-constraint", loc, `const ${show(o.const)} removed`);
    }
    return true;
  }

  private compareEnums(o: Json, n: Json, dir: Direction, loc: string) {
    const oe = Array.isArray(o.enum) ? o.enum.map(show) : undefined;
    const ne = Array.isArray(n.enum) ? n.enum.map(show) : undefined;
    if (oe && ne) {
      for (const v of oe.filter((v) => !ne.includes(v))) {
        this.emit("removed-enum-value", loc, `enum value ${v} removed`);
      }
      for (const v of ne.filter((v) => !oe.includes(v))) {
        this.emit("added-enum-value", loc, `enum value ${v} added`);
      }
    } else if (!oe && ne) {
      if (dir === "request")
        this.emit("narrowed-type", loc, `now restricted to enum ${ne.join(", ")}`);
      else this.emit("response-constraint", loc, "response now restricted to an enum");
    } else if (oe && !ne) {
      if (dir === "request") this.emit("relaxed-constraint", loc, "enum restriction removed");
      else this.emit("changed-response-type", loc, "enum restriction removed: any value may come");
    }
  }

  private compareBounds(o: Json, n: Json, dir: Direction, loc: string) {
    for (const [keys, tighter] of [
      [LOWER_BOUNDS, (a: number, b: number) => b > a],
      [UPPER_BOUNDS, (a: number, b: number) => b < a],
    ] as const) {
      for (const k of keys) {
        const [a, b] = [o[k], n[k]];
        if (a === b) continue;
        const narrowed =
          typeof b === "number" && (typeof a !== "number" || tighter(a, b)) ? true : false;
        const msg = `${k} ${a === undefined ? "added" : `changed from ${show(a)}`} to ${show(b)}`;
        if (dir === "response") this.emit("response-constraint", loc, msg);
        else this.emit(narrowed ? "narrowed-type" : "relaxed-constraint", loc, msg);
      }
    }
  }

  private compareStrings(o: Json, n: Json, dir: Direction, loc: string) {
    for (const k of ["pattern", "format"]) {
      if (o[k] === n[k]) continue;
      const msg =
        o[k] === undefined
          ? `${k} ${show(n[k])} added`
          : `${k} changed from ${show(o[k])} to ${show(n[k])}`;
      if (dir === "response") this.emit("response-constraint", loc, msg);
      else this.emit(n[k] === undefined ? "relaxed-constraint" : "narrowed-type", loc, msg);
    }
    const [oa, na] = [o.additionalProperties, n.additionalProperties];
    if (oa !== false && na === false) {
      if (dir === "request") this.emit("narrowed-type", loc, "additionalProperties: false added");
      else this.emit("response-constraint", loc, "additionalProperties: false added");
    } else if (oa === false && na !== false) {
      this.emit(
        dir === "request" ? "relaxed-constraint" : "response-constraint",
        loc,
        "additionalProperties allowed",
      );
    }
  }

  private compareProperties(o: Json, n: Json, dir: Direction, loc: string, inner: Set<string>) {
    const op = isObject(o.properties) ? o.properties : {};
    const np = isObject(n.properties) ? n.properties : {};
    const oreq = new Set(Array.isArray(o.required) ? o.required.map(String) : []);
    const nreq = new Set(Array.isArray(n.required) ? n.required.map(String) : []);
    for (const name of new Set([...Object.keys(op), ...Object.keys(np), ...nreq])) {
      const at = `${loc}.${name}`;
      if (name in op && !(name in np) && !nreq.has(name)) {
        this.emit("removed-property", at, `${dir} property removed`);
        continue;
      }
      if (!(name in op) && !oreq.has(name)) {
        if (dir === "request" && nreq.has(name)) {
          this.emit("new-required-field", at, "new required request property");
        } else
          this.emit(
            "added-optional-field",
            at,
            `new ${nreq.has(name) ? "" : "optional "}${dir} property`,
          );
        continue;
      }
      if (!oreq.has(name) && nreq.has(name)) {
        if (dir === "request")
          this.emit("new-required-field", at, "request property became required");
        else this.emit("response-constraint", at, "response property is now always present");
      } else if (oreq.has(name) && !nreq.has(name)) {
        if (dir === "response")
          this.emit("optional-response-field", at, "response property may now be absent");
        else this.emit("relaxed-constraint", at, "request property became optional");
      }
      this.compare(op[name], np[name], dir, at, inner);
    }
  }

  /** anyOf/oneOf variants are paired by position: reordering them reads as a change. */
  private compareVariants(o: Json, n: Json, dir: Direction, loc: string, inner: Set<string>) {
    for (const k of ["anyOf", "oneOf"]) {
      const ov = Array.isArray(o[k]) ? (o[k] as unknown[]) : [];
      const nv = Array.isArray(n[k]) ? (n[k] as unknown[]) : [];
      if (ov.length === 0 && nv.length === 0) continue;
      for (let i = 0; i < Math.min(ov.length, nv.length); i++) {
        this.compare(ov[i], nv[i], dir, `${loc}<${k}[${i}]>`, inner);
      }
      if (ov.length > nv.length) {
        const kind = dir === "request" ? "narrowed-type" : "response-constraint";
        this.emit(kind, loc, `${k} lost ${ov.length - nv.length} variant(s)`);
      } else if (nv.length > ov.length) {
        const kind = dir === "request" ? "relaxed-constraint" : "changed-response-type";
        this.emit(kind, loc, `${k} gained ${nv.length - ov.length} variant(s)`);
      }
    }
  }
}
