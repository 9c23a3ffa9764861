/**
 * The emulator's contract with the spec: drive it through every status it can produce on both
 * endpoints (on its own, and through faults for every documented example), then check that
 * each status is declared for its path and that each body validates against the spec's schema
 * for (path, status, content type). The schemas are compiled here with Ajv 2020 straight from
 * generated/spec.js, not taken from the emulator.
 */
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import {
  bankToken,
  emulator,
  GUID,
  postJson,
  read,
  requestCustomerToken,
  type Answer,
} from "../helpers/emulator-fixture.js";
import { declaredStatuses, exampleNames, validateResponse } from "../helpers/spec-responses.js";

const TOKEN = "/oauth/token";
const CUSTOMER = "/api/customer_tokens";

interface Seen {
  how: string;
  answer: Answer;
  faulted: boolean;
}

/** Every (path, status) problem with the answers, as readable lines; [] when all is well. */
function violations(path: string, seen: Seen[]): string[] {
  const problems: string[] = [];
  for (const { how, answer } of seen) {
    const where = `${how}: ${answer.status}`;
    if (!declaredStatuses(path).includes(answer.status)) problems.push(`${where} is not declared`);
    const { valid, errors } = validateResponse(
      path,
      answer.status,
      answer.contentType,
      answer.body,
    );
    if (!valid) problems.push(`${where} ${errors} in ${answer.text}`);
    if (!answer.headers.get("x-request-id")) problems.push(`${where} has no X-Request-Id`);
  }
  return problems;
}

/** One fault per documented example of every declared status, and one bare status each. */
async function faultsForEveryExample(emu: Emulator, path: string, send: () => Promise<Answer>) {
  const seen: Seen[] = [];
  for (const status of declaredStatuses(path)) {
    for (const example of [...exampleNames(path, status), undefined]) {
      emu.inject(example === undefined ? { path, status } : { path, status, example });
      seen.push({
        how: `fault ${status} ${example ?? "(bare)"}`,
        answer: await send(),
        faulted: true,
      });
    }
  }
  return seen;
}

function statusesOf(seen: Seen[], faulted: boolean): number[] {
  const set = new Set(seen.filter((s) => s.faulted === faulted).map((s) => s.answer.status));
  return [...set].sort((a, b) => a - b);
}

describe("emulator vs spec", () => {
  it("the checker has teeth: it refuses bodies and statuses the spec does not allow", () => {
    const json = "application/json";
    expect(
      validateResponse(TOKEN, 200, json, { access_token: "x", token_type: "Bearer" }).valid,
    ).toBe(false);
    expect(
      validateResponse(TOKEN, 200, json, {
        access_token: "x",
        token_type: "Bearer",
        expires_in: 0,
        scope: "a:b",
        created_at: 1,
      }).valid,
    ).toBe(false);
    expect(validateResponse(CUSTOMER, 500, json, { message: "boom" }).valid).toBe(false);
    expect(validateResponse(CUSTOMER, 500, "text/html", "<html>").valid).toBe(false);
    expect(validateResponse(TOKEN, 401, json, { error: "expired" }).valid).toBe(false);
    expect(
      validateResponse(CUSTOMER, 401, json, { status: 401, error_message: "x", message_code: "y" })
        .valid,
    ).toBe(true);
    expect(declaredStatuses(TOKEN)).not.toContain(404);
  });

  it("POST /oauth/token: every response is declared and valid", async () => {
    const emu = await emulator({
      clients: [
        { clientId: "bank", clientSecret: "s" },
        { clientId: "narrow", clientSecret: "s", scopes: ["customers:read"] },
        { clientId: "org", clientSecret: "s", kind: "organization" },
      ],
    });
    const seen: Seen[] = [];
    const send = (how: string, body: unknown, headers?: Record<string, string>) =>
      postJson(`${emu.url}${TOKEN}`, body, headers).then((answer) => {
        seen.push({ how, answer, faulted: false });
        return answer;
      });
    const grant = { grant_type: "client_credentials", client_id: "bank", client_secret: "s" };
    await send("json", { ...grant, scope: "customers:read customers:write" });
    await send("default scopes", grant);
    const form = new URLSearchParams({ ...grant, scope: "trades:read" });
    const formAnswer = await read(
      await fetch(`${emu.url}${TOKEN}`, { method: "POST", body: form }),
    );
    seen.push({ how: "form", answer: formAnswer, faulted: false });
    const basic = `Basic ${Buffer.from("bank:s").toString("base64")}`;
    await send("basic", { grant_type: "client_credentials" }, { authorization: basic });
    await send("missing secret", { grant_type: "client_credentials", client_id: "bank" });
    await send("malformed JSON", "{");
    await send("wrong grant", { ...grant, grant_type: "password" });
    await send("unknown scope", { ...grant, scope: "nothing:read" });
    await send("scope not allowed", { ...grant, client_id: "narrow", scope: "customers:write" });
    await send("organization-only scope, bank credentials", { ...grant, scope: "banks:execute" });
    await send("organization credentials", { ...grant, client_id: "org", scope: "banks:execute" });
    await send("bank-only scope, organization credentials", {
      ...grant,
      client_id: "org",
      scope: "customers:write",
    });
    await send("unknown client", { ...grant, client_id: "nobody" });
    await send("wrong secret", { ...grant, client_secret: "wrong" });
    emu.configure({ rateLimit: { max: 1, windowMs: 60_000 } });
    await send("within the limit", grant);
    const limited = await send("past the limit", grant);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.headers.get("retry-after-ms")).toMatch(/^\d+$/);
    emu.configure({ rateLimit: undefined });
    seen.push(
      ...(await faultsForEveryExample(emu, TOKEN, () => postJson(`${emu.url}${TOKEN}`, grant))),
    );

    expect(violations(TOKEN, seen)).toEqual([]);
    expect(statusesOf(seen, false)).toEqual([200, 400, 401, 403]);
    expect(statusesOf(seen, true)).toEqual(declaredStatuses(TOKEN).sort((a, b) => a - b));
  });

  it("POST /api/customer_tokens: every response is declared and valid", async () => {
    const emu = await emulator({ customers: [GUID] });
    const seen: Seen[] = [];
    const send = async (
      how: string,
      auth: Parameters<typeof requestCustomerToken>[1],
      body?: unknown,
    ) => {
      const answer = await requestCustomerToken(emu, auth, body);
      seen.push({ how, answer, faulted: false });
      return answer;
    };
    const token = await bankToken(emu);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: emu.url,
      aud: [emu.url],
      sub: emu.clientId,
      sub_type: "bank",
      scope: "customers:read customers:write",
      iat: now,
      exp: now + 600,
    };
    await send("created", { token });
    await send("bad body", { token }, { customer_guid: "short", scopes: [] });
    await send("no header", undefined);
    await send("malformed header", { header: "Basic abc" });
    await send("bad signature", { token: `${token.slice(0, -4)}AAAA` });
    await send("wrong issuer", { token: emu.signJwt({ ...claims, iss: "https://elsewhere" }) });
    await send("wrong audience", { token: emu.signJwt({ ...claims, aud: "https://elsewhere" }) });
    await send("expired", { token: emu.signJwt({ ...claims, exp: now - 10 }) });
    await send("customer subject", { token: emu.signJwt({ ...claims, sub_type: "customer" }) });
    await send("missing scope", { token: await bankToken(emu, "customers:read") });
    await send(
      "not a customer scope",
      { token },
      { customer_guid: GUID, scopes: ["customers:execute"] },
    );
    await send(
      "unknown customer",
      { token },
      { customer_guid: "0".repeat(32), scopes: ["trades:read"] },
    );
    emu.configure({ rateLimit: { max: 0, windowMs: 60_000 } });
    const limited = await send("rate limited", { token });
    expect(limited.headers.get("retry-after")).toBe("60");
    emu.configure({ rateLimit: undefined });
    seen.push(
      ...(await faultsForEveryExample(emu, CUSTOMER, () => requestCustomerToken(emu, { token }))),
    );

    expect(violations(CUSTOMER, seen)).toEqual([]);
    expect(statusesOf(seen, false)).toEqual([201, 400, 401, 403, 422]);
    expect(statusesOf(seen, true)).toEqual(declaredStatuses(CUSTOMER).sort((a, b) => a - b));
    const codes = seen.filter((s) => !s.faulted && s.answer.status === 401).map((s) => s.how);
    expect(codes).toHaveLength(exampleNames(CUSTOMER, 401).length);
  });
});
