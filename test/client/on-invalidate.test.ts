/**
 * cybrid.onInvalidate: who keeps a bank token of its own (the bank-SDK bridge) hears of every
 * token the client drops, whoever dropped it.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { GUID, clientFor, emulator, thrownBy } from "../helpers/client-harness.js";
import { recordingSink } from "../helpers/leak-watch.js";

const PATH = "/api/customer_tokens";

describe("cybrid.onInvalidate", () => {
  it("hears invalidate() (every token) after the tokens are gone, until removed", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const first = await cybrid.getToken();
    const heard: (string | undefined)[] = [];
    let fetchedInListener: Promise<unknown> | undefined;
    const stop = cybrid.onInvalidate(({ accessToken }) => {
      heard.push(accessToken);
      // The cache is already empty when the listener runs: this asks for a new token.
      fetchedInListener ??= cybrid.getToken();
    });
    cybrid.invalidate();
    expect(heard).toEqual([undefined]);
    const second = (await fetchedInListener) as { accessToken: string };
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(emu.count("/oauth/token")).toBe(2);
    stop();
    cybrid.invalidate();
    expect(heard).toEqual([undefined]);
  });

  it("hears the token a server rejected with a 401 through cybrid.fetch", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const heard: (string | undefined)[] = [];
    cybrid.onInvalidate(({ accessToken }) => heard.push(accessToken));
    const sent = await cybrid.getToken();
    emu.inject({ path: PATH, status: 401, example: "expired_signature" });
    const response = await cybrid.fetch(`${emu.url}${PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ customer_guid: GUID, scopes: ["accounts:read"] }),
    });
    expect(response.status).toBe(201);
    expect(heard).toEqual([sent.accessToken]);
  });

  it("a listener that throws is logged and ignored: the others still hear, the call goes on", async () => {
    const emu = await emulator();
    const { sink, lines } = recordingSink();
    const cybrid = clientFor(emu, { logger: { level: "warn", sink } });
    const heard: string[] = [];
    cybrid.onInvalidate(() => {
      throw new Error("listener bug");
    });
    cybrid.onInvalidate(() => heard.push("second"));
    await cybrid.getToken();
    cybrid.invalidate();
    expect(heard).toEqual(["second"]);
    expect(lines.join("\n")).toMatch(/onInvalidate listener failed \(listener bug\)/);
    await cybrid.getToken();
    expect(emu.count("/oauth/token")).toBe(2);
  });

  it("a listener that is not a function is a ValidationError, at once", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    for (const listener of [undefined, null, "f", {}]) {
      const caught = thrownBy(() => cybrid.onInvalidate(listener as never));
      expect(caught).toBeInstanceOf(ValidationError);
      expect(caught.code).toBe("validation_error");
    }
    cybrid.invalidate(); // nothing was added, so nothing fails here
  });
});
