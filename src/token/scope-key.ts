/** A cache key for a set of scopes: order and duplicates do not matter. */
export function scopeKey(scopes: readonly string[] | undefined): string {
  if (scopes === undefined) return "";
  return [...new Set(scopes)].sort().join(" ");
}
