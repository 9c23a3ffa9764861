/**
 * `npm start`: a guided tour of the BUILT package (dist/, imported by its own name, exactly as
 * a consumer's code would) against the emulator on a free local port. No credentials, no
 * network, nothing left running: the emulator is closed at the end, whatever happens.
 *
 * Plain .mjs on purpose: no tsx, no TypeScript paths; if this runs, `npm i cybrid-id` works.
 */
import { AuthenticationError, createCybridId, ValidationError } from "cybrid-id";
import { startEmulator } from "cybrid-id/emulator";

const GUID = "0123456789abcdef0123456789abcdef";
const say = (line = "") => console.log(line);
const step = (title) => say(`\n${title}\n${"-".repeat(title.length)}`);
const short = (token) => `${token.slice(0, 16)}...${token.slice(-6)}`;
/** What did not behave as documented; any entry makes the tour exit 1. */
const problems = [];
const check = (ok, what) => {
  if (!ok) problems.push(what);
  return ok;
};
const inMinutes = (date) => `${Math.round((date.getTime() - Date.now()) / 60_000)} min`;

/**
 * Claims of a JWT, read WITHOUT verifying it (the SDK decodes `exp` the same way, internally;
 * it does not export a decoder, so the tour carries its own three lines).
 */
function claimsOf(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
}

// What the hooks saw, per kind: the numbers a metrics system would chart.
const seen = { fetched: { bank: 0, customer: 0 }, fromCache: { bank: 0, customer: 0 } };
const retries = [];
const hooks = {
  onTokenFetched: (event) => seen.fetched[event.kind]++,
  onTokenServedFromCache: (event) => seen.fromCache[event.kind]++,
  onRetryScheduled: (event) => retries.push(event),
};

const emulator = await startEmulator({ port: 0 });
try {
  say("cybrid-id walkthrough: the built package (dist/) against a local emulator.");
  say("Its code, to read beside this output: scripts/walkthrough.mjs");
  say(
    `Emulator on ${emulator.url}, test client "${emulator.clientId}". No credentials, no network.`,
  );
  const client = createCybridId({
    baseUrl: emulator.url,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    // The tour narrates through hooks; the SDK's own warnings would repeat them.
    logger: "silent",
    hooks,
  });
  const tokenRequests = () => emulator.count("/oauth/token");

  step("1. Bank token: fetched once, then served from cache");
  const first = await client.getToken();
  say(
    `getToken() #1 -> ${short(first.accessToken)} (${first.tokenType}, expires ${first.expiresAt.toISOString()}, in ${inMinutes(first.expiresAt)})`,
  );
  const [second, third] = [await client.getToken(), await client.getToken()];
  const same = second.accessToken === first.accessToken && third.accessToken === first.accessToken;
  say(`getToken() #2, #3 -> the same token: ${check(same, "cached bank token") ? "yes" : "NO"}`);
  check(
    tokenRequests() === 1 && seen.fromCache.bank === 2,
    "one bank token request, two cache hits",
  );
  say(`emulator log: ${tokenRequests()} POST /oauth/token`);
  say(`hooks: ${seen.fetched.bank} bank token fetched, ${seen.fromCache.bank} served from cache`);

  step("2. Customer token: minted with the cached bank token, claims decoded");
  const customer = await client.getCustomerToken({
    customerGuid: GUID,
    scopes: ["accounts:read", "trades:execute"],
  });
  const claims = claimsOf(customer.accessToken);
  say(`getCustomerToken(${GUID}) -> ${short(customer.accessToken)}`);
  say(
    `claims (NOT verified): sub=${claims.sub} sub_type=${claims.sub_type} scope="${claims.scope}"`,
  );
  say(
    `                       exp=${claims.exp} (${new Date(claims.exp * 1000).toISOString()}, in ${inMinutes(customer.expiresAt)})`,
  );
  say(
    `emulator log: ${emulator.count("/api/customer_tokens")} POST /api/customer_tokens, still ${tokenRequests()} POST /oauth/token (bank token reused)`,
  );
  check(emulator.count("/api/customer_tokens") === 1 && tokenRequests() === 1, "bank token reused");
  const again = await client.getCustomerToken({
    customerGuid: GUID,
    scopes: ["trades:execute", "accounts:read"],
  });
  say(
    `same customer, scopes in another order -> from cache: ${check(again.accessToken === customer.accessToken, "customer cache") ? "yes" : "NO"} (${seen.fromCache.customer} customer cache hit)`,
  );

  step("3. A 503 with Retry-After: 1, retried after the wait the server asked for");
  client.invalidate();
  emulator.inject({ path: "/oauth/token", status: 503, headers: { "retry-after": "1" } });
  say(
    'injected: the next POST /oauth/token answers 503 with "Retry-After: 1"; invalidate(), getToken()',
  );
  const before = tokenRequests();
  const started = Date.now();
  const retried = await client.getToken();
  for (const retry of retries)
    say(
      `hook onRetryScheduled: retry ${retry.retry} of ${retry.operation} after ${retry.status} ${retry.code}, waiting ${retry.delayMs} ms`,
    );
  check(retries.length === 1 && retries[0]?.delayMs === 1000, "Retry-After obeyed");
  check(tokenRequests() - before === 2, "one retry");
  say(
    `got ${short(retried.accessToken)} after ${((Date.now() - started) / 1000).toFixed(2)} s; emulator log: ${tokenRequests() - before} POST /oauth/token (503, then 200)`,
  );

  step("4. A bad customer guid, caught before the network");
  const logged = emulator.count();
  try {
    await client.getCustomerToken({ customerGuid: "not-a-guid", scopes: ["accounts:read"] });
    check(false, "bad guid refused");
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    say(
      `${error.name} (code ${error.code}, ${error.attempts} attempts): ${error.issues.join("; ")}`,
    );
  }
  say(`emulator log: ${emulator.count() - logged} new requests`);
  check(emulator.count() === logged, "no request for a bad guid");

  step("5. 401s, as typed errors with a code and a request id");
  const wrong = createCybridId({
    baseUrl: emulator.url,
    clientId: emulator.clientId,
    clientSecret: "not-the-secret",
    logger: "silent",
  });
  await wrong.getToken().then(
    () => check(false, "wrong secret refused"),
    (error) => describe401("wrong client secret", error),
  );
  emulator.inject({ path: "/api/customer_tokens", example: "invalid_subject" });
  await client.createCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] }).then(
    () => check(false, "injected 401 reported"),
    (error) => describe401("spec example invalid_subject", error),
  );

  if (problems.length === 0) say("\nDone: every step behaved as documented.");
  else {
    console.error(`\nwalkthrough: NOT as documented: ${problems.join("; ")}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`walkthrough failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  await emulator.close();
  say("Emulator closed; nothing left running.");
}

function describe401(what, error) {
  if (!(error instanceof AuthenticationError)) throw error;
  check(error.status === 401 && error.requestId !== undefined, `${what}: status and request id`);
  say(
    `${what} -> ${error.name}: status ${error.status}, code ${error.code}, requestId ${error.requestId}`,
  );
  say(`  message: ${error.message}`);
}
