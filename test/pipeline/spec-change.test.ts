/**
 * The pipeline's promise: edit spec/openapi.yaml, run `npm run generate`, and types,
 * validators and the emulator follow with no edit in src/.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument, type YAMLSeq } from "yaml";
import { copyProject } from "./project-copy.js";

const NEW_SCOPE = "ledgers:read";
const GUID = "0123456789abcdef0123456789abcdef";

describe("a new scope in the spec", () => {
  let project: ReturnType<typeof copyProject>;

  beforeAll(() => {
    project = copyProject();
    const specPath = join(project.dir, "spec/openapi.yaml");
    const spec = readFileSync(specPath, "utf8");
    // A scope is documented in `Scope` (value + description naming its token types), and in
    // the customer-token enum, in the same words, when customers may have it.
    const doc = parseDocument(spec);
    const description = "List and retrieve ledgers. Token types: bank, customer.";
    for (const name of ["Scope", "CustomerScope"]) {
      (doc.getIn(["components", "schemas", name, "enum"]) as YAMLSeq).add(NEW_SCOPE);
      doc.setIn(["components", "schemas", name, "x-enumDescriptions", NEW_SCOPE], description);
    }
    const edited = doc.toString();
    expect(edited.split(NEW_SCOPE)).toHaveLength(5);
    writeFileSync(specPath, edited);
    execFileSync(process.execPath, ["--import", "tsx", "scripts/generate.ts"], {
      cwd: project.dir,
      stdio: "pipe",
    });
  }, 60_000);
  afterAll(() => project?.remove());

  it("reaches the generated types", () => {
    expect(readFileSync(join(project.dir, "generated/openapi.d.ts"), "utf8")).toContain(
      `"${NEW_SCOPE}"`,
    );
    expect(readFileSync(join(process.cwd(), "generated/openapi.d.ts"), "utf8")).not.toContain(
      `"${NEW_SCOPE}"`,
    );
  });

  it("reaches the server-side validators", async () => {
    const fresh = await import(pathToFileURL(join(project.dir, "generated/validators.js")).href);
    const current = await import(
      pathToFileURL(join(process.cwd(), "generated/validators.js")).href
    );
    expect(fresh.serverScope(NEW_SCOPE)).toBe(true);
    expect(current.serverScope(NEW_SCOPE)).toBe(false);
  });

  it("reaches the emulator, and the unchanged client uses it", async () => {
    const { startEmulator } = await import(
      pathToFileURL(join(project.dir, "src/emulator/index.ts")).href
    );
    const { createCybridId } = await import(pathToFileURL(join(project.dir, "src/index.ts")).href);
    const emulator = await startEmulator();
    try {
      const cybrid = createCybridId({
        baseUrl: emulator.url,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        logger: "silent",
      });
      const token = await cybrid.createCustomerToken({ customerGuid: GUID, scopes: [NEW_SCOPE] });
      expect(token.scopes).toEqual([NEW_SCOPE]);
      // Bank credentials may ask for it (its token types say bank) ...
      expect((await cybrid.getToken({ scopes: [NEW_SCOPE] })).scopes).toEqual([NEW_SCOPE]);
    } finally {
      await emulator.close();
    }
  });

  it("reaches the emulator for the credential types its description names, and no other", async () => {
    const { startEmulator } = await import(
      pathToFileURL(join(project.dir, "src/emulator/index.ts")).href
    );
    const org = { clientId: "org", clientSecret: "s", kind: "organization" };
    await expect(startEmulator({ clients: [{ ...org, scopes: [NEW_SCOPE] }] })).rejects.toThrow(
      NEW_SCOPE,
    );
    const emulator = await startEmulator({ clients: [org] });
    try {
      const answer = await fetch(`${emulator.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          grant_type: "client_credentials",
          client_id: "org",
          client_secret: "s",
          scope: NEW_SCOPE,
        }),
      });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toBe("invalid_scope");
    } finally {
      await emulator.close();
    }
  });
});
