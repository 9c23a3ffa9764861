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

/**
 * The body's bytes, read until it ends or passes `maxBytes`. Past the bound the stream is
 * cancelled, not drained: the rest is never downloaded and the connection is released. So a
 * result over `maxBytes` (by at most one chunk) means "too large".
 */
export async function readAtMost(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Blob> {
  const reader = body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  for (let read; size <= maxBytes && !(read = await reader.read()).done;) {
    chunks.push(read.value as Uint8Array<ArrayBuffer>);
    size += read.value.byteLength;
  }
  // Not awaited: cancelling a branch of a tee'd body (a clone) settles only when the other
  // branch is cancelled too, which may be never.
  if (size > maxBytes) reader.cancel().catch(() => undefined);
  return new Blob(chunks);
}

/** The middleware for one request; `operation` (e.g. "POST /oauth/token") heads messages. */
export function boundedBody(operation: string, redactor: Redactor): Middleware {
  return {
    async onResponse({ response }) {
      const { body, status } = response;
      // Status 0 (an opaque redirect in browsers) and the statuses without a body cannot be
      // rebuilt with one; there is nothing to read.
      if (body === null || status < 200 || [204, 205, 304].includes(status)) return undefined;
      const bytes = await readAtMost(body, MAX_RESPONSE_BYTES);
      if (bytes.size > MAX_RESPONSE_BYTES) {
        // The excerpt is the first 120 characters of the head (a character cut at its end
        // becomes U+FFFD, which only a head of mostly whitespace could bring into them).
        const head = await bytes.slice(0, HEAD_BYTES).text();
        throw new InvalidResponseError(
          `${operation} answered ${status} with a body over ${MAX_RESPONSE_BYTES} bytes`,
          {
            code: ERROR_CODES.RESPONSE_TOO_LARGE,
            status,
            requestId: requestIdOf(response.headers, redactor),
            bodyExcerpt: excerptOf(head, redactor),
          },
        );
      }
      // The Response itself serves as the init (status, statusText, headers). A built Response
      // has no url: keep the original's, a relative Location resolves against it. (It was not
      // redirected: the pipeline's fetch follows none.)
      return Object.defineProperty(new Response(bytes, response), "url", { value: response.url });
    },
  };
}
