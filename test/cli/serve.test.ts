/**
 * `cybrid-id serve` as a child process: it prints its URL and credentials as env exports, a
 * token request (raw, and through `cybrid-id token` with those exports) is answered, and
 * SIGTERM / SIGINT stop it cleanly with exit status 0.
 */
import type { ChildProcess } from "node:child_process";
import { connect, createServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serveCommand } from "../../src/cli/serve-command.js";
import { runCli, startCli, VARIANTS, waitForOutput } from "./run-cli.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

/** The `export NAME=value` lines serve printed, as an env object. */
function exportsOf(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name, value] of stdout.matchAll(/export (\w+)=(\S+)/g))
    if (name !== undefined && value !== undefined) env[name] = value.replace(/^'|'$/g, "");
  return env;
}

// From the source, not a run: serve's help shows its default secret, which this file's runs
// watch as a secret (test/helpers/leak-watch.ts).
it("serve --help: the usage line names every option the options list has", () => {
  const [usage = "", ...sections] = serveCommand.help.split("\n\n");
  const options = sections.find((section) => section.startsWith("Options:")) ?? "";
  const listed = [...options.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]);
  expect(listed).toContain("--host");
  for (const flag of listed)
    if (flag !== "--verbose" && flag !== "--help") expect(usage, flag).toContain(`${flag} `);
});

describe.each(VARIANTS)("cybrid-id serve, $name", (variant) => {
  it.skipIf(!variant.available)(
    "prints its URL and exports, answers, stops on SIGTERM",
    async () => {
      const child = startCli(variant, [
        "serve",
        "--client-id",
        "my-app",
        "--client-secret",
        "test-only-secret",
        "--token-ttl",
        "120",
      ]);
      children.push(child);
      const done = exited(child);
      const stdout = await waitForOutput(child, /Press Ctrl\+C/);
      const env = exportsOf(stdout);
      expect(stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(env).toMatchObject({
        CYBRID_CLIENT_ID: "my-app",
        CYBRID_CLIENT_SECRET: "test-only-secret",
      });
      expect(env.CYBRID_ID_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const response = await fetch(`${env.CYBRID_ID_URL}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          grant_type: "client_credentials",
          client_id: "my-app",
          client_secret: "test-only-secret",
        }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { expires_in: number }).expires_in).toBe(120);

      // The exports, pasted: the CLI's own token command works against it.
      const token = await runCli(variant, ["token", "--json"], { env });
      expect(token.code, token.stderr).toBe(0);
      expect((JSON.parse(token.stdout) as { expiresIn: number }).expiresIn).toBeLessThanOrEqual(
        120,
      );

      child.kill("SIGTERM");
      const { code, stderr } = await done;
      expect(code).toBe(0);
      expect(stderr).toContain("Emulator stopped.");
    },
  );

  it.skipIf(!variant.available)("default credentials, --verbose request log, SIGINT", async () => {
    const child = startCli(variant, ["serve", "--verbose"]);
    children.push(child);
    const done = exited(child);
    const env = exportsOf(await waitForOutput(child, /Press Ctrl\+C/));
    expect(env).toMatchObject({
      CYBRID_CLIENT_ID: "emulator-client",
      CYBRID_CLIENT_SECRET: "not-real-secret",
    });
    const token = await runCli(variant, ["token"], { env });
    expect(token.code, token.stderr).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // one drain of the request log
    child.kill("SIGINT");
    const { code, stderr } = await done;
    expect(code).toBe(0);
    expect(stderr).toContain("POST /oauth/token -> 200");
  });

  it.skipIf(!variant.available)(
    "refuses a --client-secret that the client would refuse (under 8 characters), exit 2",
    async () => {
      const result = await runCli(variant, ["serve", "--client-secret", "x7Qp2Zr"], {
        timeoutMs: 5_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("at least 8 characters");
      expect(result.stdout).toBe("");
    },
  );

  it.skipIf(!variant.available)(
    "a port that is taken: exit 1 with the reason, as its help says",
    async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const { port } = taken.address() as AddressInfo;
      try {
        const result = await runCli(variant, ["serve", "--port", String(port)], {
          timeoutMs: 5_000,
        });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("EADDRINUSE");
        expect(serveCommand.help).toMatch(/Exit status: 0 stopped .*, 1 could not start/);
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
    },
  );

  it.skipIf(!variant.available)(
    "an aborted request does not stop the --verbose request log",
    async () => {
      const child = startCli(variant, ["serve", "--verbose"]);
      children.push(child);
      let stderr = "";
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const env = exportsOf(await waitForOutput(child, /Press Ctrl\+C/));
      const { hostname, port } = new URL(env.CYBRID_ID_URL!);
      // Half a body, then the client goes away: the emulator never answers this one.
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write("POST /oauth/token HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{");
          setTimeout(() => (socket.destroy(), resolve()), 100);
        });
        socket.on("error", reject);
      });
      await new Promise((resolve) => setTimeout(resolve, 600)); // a drain with it pending
      const token = await fetch(`${env.CYBRID_ID_URL}/api/customer_tokens`, { method: "POST" });
      expect(token.status).toBe(401);
      await vi.waitFor(() => expect(stderr).toContain("POST /api/customer_tokens -> 401"), {
        timeout: 5_000,
      });
    },
  );
});
