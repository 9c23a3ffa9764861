/**
 * HTTP dates (RFC 9110 section 5.6.7), parsed strictly: `Date.parse` takes almost anything
 * ("soon 2030" is a date three years away), and a garbage `Retry-After` or `Date` header must be
 * ignored, not obeyed. Recipients must accept the three formats below; nothing else is a date.
 */
const MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
const DAY = "Mon|Tue|Wed|Thu|Fri|Sat|Sun";
const DAY_NAME = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";
const TIME = String.raw`(\d{2}):(\d{2}):(\d{2})`;
/** `Sun, 06 Nov 1994 08:49:37 GMT`, the one format senders must use. */
const IMF_FIXDATE = new RegExp(`^(?:${DAY}), (\\d{2}) (${MONTHS}) (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete). */
const RFC850 = new RegExp(`^(?:${DAY_NAME}), (\\d{2})-(${MONTHS})-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete, C's asctime). */
const ASCTIME = new RegExp(`^(?:${DAY}) (${MONTHS}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** An HTTP date as ms since the epoch, or undefined when the text is not one. */
export function parseHttpDate(text: string, now = Date.now()): number | undefined {
  const value = text.trim();
  let match = IMF_FIXDATE.exec(value);
  if (match) return utc(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = RFC850.exec(value);
  if (match) {
    // A two-digit year more than 50 years in the future is in the past century (RFC 9110).
    const currentYear = new Date(now).getUTCFullYear();
    let year = 2000 + Number(match[3]);
    if (year > currentYear + 50) year -= 100;
    return utc(String(year), match[2], match[1], match[4], match[5], match[6]);
  }
  match = ASCTIME.exec(value);
  if (match) return utc(match[6], match[1], match[2], match[3], match[4], match[5]);
  return undefined;
}

function utc(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
): number | undefined {
  const monthIndex = MONTHS.split("|").indexOf(month ?? "");
  const [y, d, h, m, s] = [year, day, hours, minutes, seconds].map((part) => Number(part));
  if (y === undefined || d === undefined || h === undefined || m === undefined || s === undefined)
    return undefined;
  if (h > 23 || m > 59 || s > 60) return undefined;
  // A leap second (:60) is read as :59; Date.UTC would roll it into the next minute.
  const ms = Date.UTC(y, monthIndex, d, h, m, Math.min(s, 59));
  // Date.UTC rolls 31 Feb into March: such a day does not exist, so the text is not a date.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}
