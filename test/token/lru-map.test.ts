import { describe, expect, it } from "vitest";
import { LruMap } from "../../src/token/lru-map.js";
import { decodeJwtClaims, jwtLifetimeMs } from "../../src/token/jwt.js";

describe("LruMap", () => {
  it("evicts the least recently used beyond its capacity", () => {
    const map = new LruMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1);
    map.set("c", 3);
    expect(map.get("b")).toBeUndefined();
    expect(map.get("a")).toBe(1);
    expect(map.size).toBe(2);
    expect([...map.values()]).toEqual([3, 1]); // least recently used first
  });
});

describe("jwt", () => {
  const encode = (claims: object) =>
    `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;

  it("reads claims and the lifetime, anchored on iat when present", () => {
    expect(decodeJwtClaims(encode({ sub: "x" }))).toEqual({ sub: "x" });
    expect(decodeJwtClaims(encode({ name: "Zoë 🙂" }))).toEqual({ name: "Zoë 🙂" });
    expect(jwtLifetimeMs(encode({ iat: 1000, exp: 1600 }), 0)).toBe(600_000);
    expect(jwtLifetimeMs(encode({ exp: 100 }), 40_000)).toBe(60_000);
    expect(jwtLifetimeMs(encode({ exp: 100 }), 200_000)).toBeUndefined();
    expect(jwtLifetimeMs("not-a-jwt", 0)).toBeUndefined();
    expect(decodeJwtClaims("a.%%%.c")).toBeUndefined();
  });
});
