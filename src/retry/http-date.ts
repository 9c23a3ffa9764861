/**
 * HTTP dates (RFC 9110 section 5.6.7), parsed strictly: `Date.parse` takes almost anything
 * ("soon 2030" is a date three years away), and a garbage `Retry-After` or `Date` header must be
 * ignored, not obeyed. Recipients must accept the three formats below; nothing else is a date.
 */
const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
const DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const MONTH = `(${MONTHS.join("|")})`;
/** Hours 00-23, minutes 00-59, seconds 00-60 (60: a leap second). */
const TIME = String.raw`([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)`;
const HTTP_DATE = new RegExp(
  `^(${[
    // `Sun, 06 Nov 1994 08:49:37 GMT`, the one format senders must use (IMF-fixdate).
    String.raw`${DAY}, \d\d ${MONTH} \d{4} ${TIME} GMT`,
    // `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850).
    String.raw`(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d\d-${MONTH}-\d\d ${TIME} GMT`,
    // `Sun Nov  6 08:49:37 1994` (obsolete, C's asctime).
    String.raw`${DAY} ${MONTH} [ \d]\d ${TIME} \d{4}`,
  ].join("|")})$`,
);

/** An HTTP date as ms since the epoch, or undefined when the text is not one. */
export function parseHttpDate(text: string, now = Date.now()): number | undefined {
  const value = text.trim();
  if (!HTTP_DATE.test(value)) return undefined;
  // Its numbers are day, year, hours, minutes, seconds; asctime puts the year last.
  const numbers = (value.match(/\d+/g) as string[]).map(Number);
  if (!value.endsWith("GMT")) numbers.splice(1, 0, numbers.pop() as number);
  const [day, year, hours, minutes, seconds] = numbers as [number, number, number, number, number];
  // RFC 850's two-digit year: more than 50 years in the future is in the past century.
  let fullYear = year;
  if (value.includes("-"))
    fullYear += year + 2000 > new Date(now).getUTCFullYear() + 50 ? 1900 : 2000;
  // Day names hold no month name: the one month name in the text is the month.
  const month = MONTHS.findIndex((name) => value.includes(name));
  // A leap second (:60) is read as :59; Date.UTC would roll it into the next minute.
  const ms = Date.UTC(fullYear, month, day, hours, minutes, Math.min(seconds, 59));
  // Date.UTC rolls 31 Feb into March: such a day does not exist, so the text is not a date.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}
