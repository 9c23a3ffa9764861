import { describe, expect, it } from "vitest";
import { decodeJwtClaims, jwtLifetimeMs } from "../../src/token/jwt.js";

describe("jwt", () => {
  const encode = (claims: object) =>
    `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
  const lifetime = (token: string, sentAt: number) => jwtLifetimeMs(decodeJwtClaims(token), sentAt);

  it("reads claims and the lifetime, anchored on iat when present", () => {
    expect(decodeJwtClaims(encode({ sub: "x" }))).toEqual({ sub: "x" });
    expect(decodeJwtClaims(encode({ name: "Zoë 🙂" }))).toEqual({ name: "Zoë 🙂" });
    expect(lifetime(encode({ iat: 1000, exp: 1600 }), 0)).toBe(600_000);
    expect(lifetime(encode({ exp: 100 }), 40_000)).toBe(60_000);
    expect(lifetime(encode({ exp: 100 }), 200_000)).toBeUndefined();
    expect(lifetime("not-a-jwt", 0)).toBeUndefined();
    expect(decodeJwtClaims("a.%%%.c")).toBeUndefined();
  });

  it("decodes unpadded segments of every length, and refuses an impossible one", () => {
    for (const sub of ["a", "ab", "abc", "abcd"])
      expect(decodeJwtClaims(encode({ sub }))).toEqual({ sub });
    expect(decodeJwtClaims("a.eyJhIjox1.c")).toBeUndefined();
  });
});
