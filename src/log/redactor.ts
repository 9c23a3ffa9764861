/**
 * Knows the secrets of one client (its client secret and every token it was issued) and blanks
 * them out of any text. Messages are built from ids and codes in the first place; this catches
 * what a server echoes back (an error that quotes the request, a proxy's HTML page).
 *
 * A server echoes what it was sent in whatever encoding it saw or re-encodes it, so each
 * secret is known in every form it travels in: raw, form-urlencoded (`+` `/` `=` as `%2B`...),
 * percent-encoded, JSON-escaped, and for the client secret the HTTP Basic credentials.
 * Every secret is blanked whatever its length: createCybridId refuses client secrets too short
 * to be secret (see MIN_CLIENT_SECRET_LENGTH in config/option-checks.ts) rather than leave one
 * in clear.
 *
 * A server may also echo the client secret in part, or in an encoding not listed here: cut
 * short ("secret 'Xq7+kP/9z=...' is invalid"), HTML-escaped in an error page, with `\/` or
 * `\u00e9` escapes from another JSON writer. So every run of SECRET_FRAGMENT or more characters
 * of any of its forms is blanked too (a weak secret that shares such a run with the client id or
 * a word blanks that as well: better than a secret in clear). The Basic credentials and tokens
 * are blanked whole only (tokens expire, there can be hundreds of them), and AUTH_HEADER_VALUE
 * catches a `Basic` or `Bearer` header's value however cut.
 */

export const REDACTED = "[redacted]";
/** Tokens issued long ago are expired: remember a bounded number of the newest. */
const MAX_REMEMBERED = 256;
/** Bearer or Basic values we never saw (a proxy echoing another header). */
const AUTH_HEADER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
/** The longest text AUTH_HEADER_VALUE needs to see to blank a value ("Basic " + 8, padded). */
const AUTH_HEADER_SPAN = 32;
/**
 * The shortest run of the client secret that is blanked wherever it appears: the shortest client
 * secret createCybridId takes (MIN_CLIENT_SECRET_LENGTH), and what the test suite's leak watch
 * calls a leak.
 */
export const SECRET_FRAGMENT = 8;

/** Every SECRET_FRAGMENT-character window of `form`. */
function windowsOf(form: string): string[] {
  const windows: string[] = [];
  for (let i = 0; i + SECRET_FRAGMENT <= form.length; i++)
    windows.push(form.slice(i, i + SECRET_FRAGMENT));
  return windows;
}

/**
 * `text` with each run of overlapping or touching windows that are `fragments` blanked as one
 * REDACTED: a scan of every window of the text, one Set lookup each.
 */
function blankFragments(text: string, fragments: ReadonlySet<string>): string {
  if (fragments.size === 0) return text;
  const parts: string[] = [];
  let copied = 0; // the text before this is in `parts`
  let runStart = 0;
  let runEnd = -1; // the run being blanked is [runStart, runEnd); -1: none yet
  for (let i = 0; i + SECRET_FRAGMENT <= text.length; i++) {
    if (!fragments.has(text.slice(i, i + SECRET_FRAGMENT))) continue;
    if (i > runEnd) {
      // Apart from the run before (if any): that one is done.
      if (runEnd >= 0) parts.push(text.slice(copied, runStart), REDACTED);
      copied = Math.max(copied, runEnd);
      runStart = i;
    }
    runEnd = i + SECRET_FRAGMENT;
  }
  if (runEnd < 0) return text;
  parts.push(text.slice(copied, runStart), REDACTED, text.slice(runEnd));
  return parts.join("");
}

/** `application/x-www-form-urlencoded` encoding of one value (spaces as `+`), as forms send it. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice("v=".length);
}

/** The forms in which `secret` may come back from a server (none for an empty one). */
export function encodedForms(secret: string): string[] {
  if (secret === "") return [];
  return [
    secret,
    formUrlEncode(secret),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Knows a client's secrets and blanks them out of text; made by {@link createRedactor}. */
export interface Redactor {
  /**
   * The client secret, and the HTTP Basic credentials made of it and the client id when given
   * (`basicCredentials()`: the header value a proxy may echo; base64 hides the secret from a
   * search for its raw form). Neither is ever forgotten.
   */
  addClientSecret(clientSecret: string, basicCredentials?: string): void;
  /** A token (or any other secret) learned while running. */
  add(secret: string | undefined): void;
  redact(text: string): string;
  /**
   * The head of `tidy(redact(text))`, at most `max` characters, with "…" when cut. Redaction
   * comes first, so a secret straddling the cut is blanked whole rather than cut in two; only
   * as much of a huge text as can end up in the head is redacted (a 20 MB error page costs
   * no more than a short one).
   * @param tidy a transformation that keeps order and never lengthens (whitespace folding).
   */
  redactHead(text: string, max: number, tidy?: (text: string) => string): string;
}

export function createRedactor(): Redactor {
  /** The forms of the client secret and its Basic credentials: never forgotten. */
  const pinned = new Set<string>();
  /** Their SECRET_FRAGMENT-character windows: a run of any is blanked, wherever it is. */
  const fragments = new Set<string>();
  /** Issued tokens, oldest first, each with its forms (encoded once, not at every re-sort). */
  const tokens = new Map<string, string[]>();
  /**
   * Every form once (most tokens read the same in several), longest first (a form containing
   * another is blanked whole); undefined: stale.
   */
  let sorted: string[] | undefined;
  const forms = () =>
    (sorted ??= [...new Set([...pinned, ...[...tokens.values()].flat()])].sort(
      (a, b) => b.length - a.length,
    ));

  function redact(text: string): string {
    let out = text;
    for (const form of forms()) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return blankFragments(out, fragments).replace(AUTH_HEADER_VALUE, `$1 ${REDACTED}`);
  }

  return {
    addClientSecret(clientSecret, basicCredentials = "") {
      for (const form of encodedForms(clientSecret)) {
        pinned.add(form);
        for (const window of windowsOf(form)) fragments.add(window);
      }
      // Whole only: the start of the Basic credentials is the client id in base64, which a
      // JWT's claims (`sub`) can hold as well; its runs would blank tokens the CLI prints.
      for (const form of encodedForms(basicCredentials)) pinned.add(form);
      sorted = undefined;
    },
    add(secret) {
      if (!secret || tokens.has(secret)) return;
      tokens.set(secret, encodedForms(secret));
      if (tokens.size > MAX_REMEMBERED) tokens.delete(tokens.keys().next().value!);
      sorted = undefined;
    },
    redact,
    redactHead(text, max, tidy = (t) => t) {
      const longest = Math.max(forms()[0]?.length ?? 0, AUTH_HEADER_SPAN);
      // A window of the text, redacted, is safe except within its last `longest - 1` characters
      // (a secret may start there and go on past the window). Blanking can turn each of those
      // characters into a whole REDACTED, hence the bound on the unsafe tail of the result.
      const unsafeTail = (longest - 1) * REDACTED.length;
      for (let size = max + unsafeTail + longest; ; size *= 2) {
        const whole = size >= text.length;
        const head = tidy(redact(whole ? text : text.slice(0, size)));
        if (whole || head.length - unsafeTail > max)
          return head.length > max ? `${head.slice(0, max)}…` : head;
      }
    },
  };
}
