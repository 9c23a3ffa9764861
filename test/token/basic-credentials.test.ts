import { describe, expect, it } from "vitest";
import { formUrlEncode } from "../../src/log/redactor.js";
import { basicCredentials } from "../../src/token/basic-credentials.js";

describe("client credential encodings", () => {
  it("form-urlencodes as forms do: spaces as +, reserved characters escaped, UTF-8", () => {
    expect(formUrlEncode("a b+c/d=e:é")).toBe("a+b%2Bc%2Fd%3De%3A%C3%A9");
  });

  it("form-urlencodes id and secret before base64 (RFC 6749 section 2.3.1)", () => {
    const encoded = basicCredentials("client id", "s3cr+t/é=:");
    expect(Buffer.from(encoded, "base64").toString("utf8")).toBe(
      "client+id:s3cr%2Bt%2F%C3%A9%3D%3A",
    );
  });
});
