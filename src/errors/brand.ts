/**
 * The brand of the SDK's error classes: how `instanceof` and `isCybridIdError` recognise an
 * error made by any copy of the package (cybrid-id-error.ts says why there are several).
 */

/**
 * The brand's key. `Symbol.for` gives every copy of the package in a realm the same symbol where
 * each copy has its own classes. Under it, each SDK class's prototype holds its kind (its name);
 * instances inherit it, so it is never an own property of an error (nothing in `util.inspect`,
 * `JSON.stringify` or a spread).
 */
export const BRAND = Symbol.for("cybrid-id.error");

/**
 * Names and brands an SDK class (once, after its declaration): its prototype gets `name` (as
 * `Error.prototype` holds "Error": one string per class, not a field per instance) and `name`
 * as its kind under the brand. A caller's own subclass is not branded and keeps its parent's.
 */
export function brand(Class: { prototype: object }, name: string): void {
  Object.defineProperties(Class.prototype, {
    name: { value: name, writable: true, configurable: true },
    [BRAND]: { value: name },
  });
}
