/**
 * Knows the secrets of one client (its client secret and every token it was issued) and blanks
 * them out of any text. Messages are built from ids and codes in the first place; this catches
 * what a server echoes back (an error that quotes the request, a proxy's HTML page).
 */
const REDACTED = "[redacted]";
/** Tokens issued long ago are expired: remember a bounded number of the newest. */
const MAX_REMEMBERED = 256;

export class Redactor {
  readonly #secrets: string[] = [];

  add(secret: string | undefined): void {
    // Short strings would blank out ordinary words; real secrets and tokens are long.
    if (secret === undefined || secret.length < 6 || this.#secrets.includes(secret)) return;
    this.#secrets.push(secret);
    if (this.#secrets.length > MAX_REMEMBERED) this.#secrets.splice(1, 1); // [0] is the client secret
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets)
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // Bearer values we never saw (a proxy echoing another header) are blanked too.
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`);
  }
}
