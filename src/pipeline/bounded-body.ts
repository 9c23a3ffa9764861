/**
 * Response bodies of the identity provider, read up to a bound. openapi-fetch buffers a body
 * whole (`response.text()`, also for every error), so a hostile or broken server could make
 * the client hold 100 MB, or turn a 20 MB `error_description` into a 20 MB message. This
 * request middleware reads at most MAX_RESPONSE_BYTES and hands openapi-fetch a copy of the
 * response with those bytes; past the bound it cancels the body (which closes the connection)
 * and throws `InvalidResponseError` (code `response_too_large`), which is not retried.
 */
import type { Middleware } from "openapi-fetch";
import { InvalidResponseError } from "../errors/cybrid-id-error.js";
import { excerptOf, requestIdOf } from "../errors/error-body.js";
import { ERROR_CODES } from "../errors/error-codes.js";
import type { Redactor } from "../log/redactor.js";

/**
 * The most bytes of an identity-provider response body the client reads: 64 KiB. A token
 * response is a few hundred bytes, a customer JWT a few KB; error bodies are smaller still.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** How much of a too-large body is decoded for the error's excerpt. */
const HEAD_BYTES = 1024;

/** Statuses whose Response has no body and cannot be built with one. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The body's bytes when it fits in `maxBytes`; else its head, with the stream cancelled. */
export async function readAtMost(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: concat(chunks, size), complete: true };
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      // Cancelling, not draining: the rest is never downloaded and the connection is released.
      await reader.cancel().catch(() => undefined);
      return { bytes: concat(chunks, size).subarray(0, HEAD_BYTES), complete: false };
    }
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The middleware for one request; `operation` (e.g. "POST /oauth/token") heads messages. */
export function boundedBody(
  operation: string,
  redactor: Redactor,
  maxBytes = MAX_RESPONSE_BYTES,
): Middleware {
  return {
    async onResponse({ response }) {
      // Status 0 (an opaque redirect in browsers) cannot be rebuilt; there is nothing to read.
      if (response.body === null || response.status < 200 || NULL_BODY.has(response.status)) {
        return undefined;
      }
      const { bytes, complete } = await readAtMost(response.body, maxBytes);
      if (!complete) {
        // `stream: true` leaves out a character cut at the end of the head, not a U+FFFD.
        const head = new TextDecoder().decode(bytes, { stream: true });
        throw new InvalidResponseError(
          `${operation} answered ${response.status} with a body over ${maxBytes} bytes`,
          {
            code: ERROR_CODES.RESPONSE_TOO_LARGE,
            status: response.status,
            requestId: requestIdOf(response.headers, redactor),
            bodyExcerpt: excerptOf(head, redactor),
          },
        );
      }
      const copy = new Response(bytes as Uint8Array<ArrayBuffer>, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      // A built Response has no url and was not redirected: keep the original's.
      Object.defineProperties(copy, {
        url: { value: response.url },
        redirected: { value: response.redirected },
      });
      return copy;
    },
  };
}
