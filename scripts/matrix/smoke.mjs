/**
 * THE smoke suite of the runtime matrix (scripts/runtime-matrix.ts): the same four steps on
 * every runtime, Node, Bun, Deno and a browser, against an emulator in the matrix's parent
 * process. Plain JavaScript, no Node built-ins: only fetch, atob, AbortSignal and timers, so
 * one file runs everywhere as it is.
 *
 * The SDK comes in as an argument (the packed package, imported by name by the caller); the
 * emulator is driven through the matrix's control server: POST /inject (a fault, JSON),
 * GET /count?path=... (requests the emulator received on that path).
 */

const GUID = "0123456789abcdef0123456789abcdef";
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The claims of a JWT, NOT verified: base64url through atob, which every runtime has. */
function claimsOf(jwt) {
  const part = (jwt.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "=")));
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * @param {object} options
 * @param {object} options.sdk the `cybrid-id` module
 * @param {string} options.emulatorUrl
 * @param {string} options.controlUrl
 * @param {string} options.clientId
 * @param {string} options.clientSecret
 * @returns {Promise<Array<{name: string, ok: boolean, ms: number, detail?: string, error?: string}>>}
 */
export async function smoke({ sdk, emulatorUrl, controlUrl, clientId, clientSecret }) {
  const control = {
    async inject(fault) {
      // A string body and no content-type: a "simple" request, no CORS preflight.
      const response = await fetch(`${controlUrl}/inject`, {
        method: "POST",
        body: JSON.stringify(fault),
      });
      assert(response.ok, `control: inject answered ${response.status}`);
    },
    async count(path) {
      const response = await fetch(`${controlUrl}/count?path=${encodeURIComponent(path)}`);
      assert(response.ok, `control: count answered ${response.status}`);
      return (await response.json()).count;
    },
  };
  const steps = [];
  async function step(name, body) {
    const started = Date.now();
    try {
      const detail = await body();
      steps.push({ name, ok: true, ms: Date.now() - started, ...(detail ? { detail } : {}) });
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      steps.push({ name, ok: false, ms: Date.now() - started, error: text });
    }
  }

  const settings = { baseUrl: emulatorUrl, clientId, clientSecret, logger: "silent" };
  const client = sdk.createCybridId(settings);
  let first;

  await step("token", async () => {
    first = await client.getToken();
    assert(JWT.test(first.accessToken), `not a JWT: ${first.accessToken}`);
    assert(first.tokenType === "Bearer", `tokenType ${first.tokenType}`);
    assert(first.expiresAt instanceof Date, "expiresAt is not a Date");
    const left = first.expiresAt.getTime() - Date.now();
    assert(left > 60_000 && left <= 600_000, `expires in ${left} ms (emulator TTL is 600 s)`);
    assert(claimsOf(first.accessToken).sub === clientId, "sub is not the client id");
    const requests = await control.count("/oauth/token");
    assert(requests === 1, `${requests} token requests`);
    return `expires in ${Math.round(left / 1000)} s`;
  });

  await step("cached token (one request)", async () => {
    assert(first !== undefined, "no first token");
    const again = await Promise.all([client.getToken(), client.getToken(), client.getToken()]);
    for (const token of again) assert(token.accessToken === first.accessToken, "a new token");
    const requests = await control.count("/oauth/token");
    assert(requests === 1, `${requests} token requests for 4 getToken() calls`);
    return "4 calls, 1 request";
  });

  await step("customer token", async () => {
    const scopes = ["accounts:read", "trades:execute"];
    const customer = await client.getCustomerToken({ customerGuid: GUID, scopes });
    assert(JWT.test(customer.accessToken), "not a JWT");
    assert(customer.customerGuid === GUID, `customerGuid ${customer.customerGuid}`);
    const claims = claimsOf(customer.accessToken);
    assert(claims.sub === GUID, `sub ${claims.sub}`);
    assert(
      String(claims.scope).split(" ").sort().join(" ") === scopes.join(" "),
      `scope ${claims.scope}`,
    );
    const again = await client.getCustomerToken({ customerGuid: GUID, scopes });
    assert(again.accessToken === customer.accessToken, "not cached");
    const requests = await control.count("/api/customer_tokens");
    assert(requests === 1, `${requests} customer token requests`);
    assert((await control.count("/oauth/token")) === 1, "the bank token was fetched again");
    return "1 request, cached";
  });

  await step("retry after 503 with Retry-After", async () => {
    const retries = [];
    const fresh = sdk.createCybridId({
      ...settings,
      hooks: { onRetryScheduled: (event) => retries.push(event) },
    });
    await control.inject({ path: "/oauth/token", status: 503, headers: { "retry-after": "1" } });
    const before = await control.count("/oauth/token");
    const started = Date.now();
    const token = await fresh.getToken();
    const waited = Date.now() - started;
    assert(JWT.test(token.accessToken), "not a JWT");
    const requests = (await control.count("/oauth/token")) - before;
    assert(requests === 2, `${requests} requests (503, then 200 expected)`);
    assert(retries.length === 1, `${retries.length} retries scheduled`);
    const [retry] = retries;
    assert(retry.status === 503, `retry status ${retry.status}`);
    // Retry-After: 1 must win over the backoff (which starts at ~500 ms with jitter); a runtime
    // that hides the header (CORS without Expose-Headers) fails here.
    assert(retry.delayMs === 1000, `retry delay ${retry.delayMs} ms, Retry-After said 1000`);
    assert(waited >= 950, `the retry came after ${waited} ms`);
    return `2 requests, waited ${waited} ms`;
  });

  return steps;
}

/** The name and version of the runtime this runs on. */
export function runtimeInfo() {
  const g = globalThis;
  if (g.Deno?.version?.deno) return { runtime: "deno", version: g.Deno.version.deno };
  if (g.Bun?.version) return { runtime: "bun", version: g.Bun.version };
  if (g.process?.versions?.node) return { runtime: "node", version: g.process.versions.node };
  if (g.navigator?.userAgent) return { runtime: "browser", version: g.navigator.userAgent };
  return { runtime: "unknown", version: "?" };
}
