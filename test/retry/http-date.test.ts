import { describe, expect, it } from "vitest";
import { parseHttpDate } from "../../src/retry/http-date.js";

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

describe("parseHttpDate", () => {
  it("reads the three formats of RFC 9110", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(NOV_6_1994);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(NOV_6_1994);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(NOV_6_1994);
  });

  it("puts a two-digit year more than 50 years ahead in the past century", () => {
    const now = Date.UTC(2026, 11, 1);
    expect(parseHttpDate("Friday, 01-Jan-77 00:00:00 GMT", now)).toBe(Date.UTC(1977, 0, 1));
    expect(parseHttpDate("Thursday, 01-Jan-30 00:00:00 GMT", now)).toBe(Date.UTC(2030, 0, 1));
  });

  it("reads every month, and surrounding whitespace", () => {
    const months = [
      "Jan",
      "Feb",
      "Mar",
      "Apr",
      "May",
      "Jun",
      "Jul",
      "Aug",
      "Sep",
      "Oct",
      "Nov",
      "Dec",
    ];
    months.forEach((month, index) => {
      expect(parseHttpDate(`Mon, 01 ${month} 2024 00:00:00 GMT`), month).toBe(
        Date.UTC(2024, index, 1),
      );
      expect(parseHttpDate(`Monday, 01-${month}-24 00:00:00 GMT`), month).toBe(
        Date.UTC(2024, index, 1),
      );
      expect(parseHttpDate(`Mon ${month}  1 00:00:00 2024`), month).toBe(Date.UTC(2024, index, 1));
    });
    expect(parseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT \t")).toBe(NOV_6_1994);
    expect(parseHttpDate("Thursday, 29-Feb-24 23:59:59 GMT")).toBe(
      Date.UTC(2024, 1, 29, 23, 59, 59),
    );
    expect(parseHttpDate("Wednesday, 29-Feb-23 00:00:00 GMT")).toBeUndefined();
  });

  it("reads a leap second as the second before it", () => {
    expect(parseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT")).toBe(Date.UTC(2016, 11, 31, 23, 59, 59));
  });

  it.each([
    "soon 2030",
    "2030",
    "",
    "Sun, 31 Feb 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT",
    "Sun, 06 Nov 1994 08:61:00 GMT",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "Sunxyz, 06-Nov-94 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:37 GMT trailing",
    "2030-01-01T00:00:00Z",
    "Sun, 06 Nov 1994 08:49:61 GMT",
    "Sun, 06 Nov 94 08:49:37 GMT",
    "Sun, 06-Nov-1994 08:49:37 GMT",
    "Sunday, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06-Nov-94 08:49:37 GMT",
    "Sunday, 06-Nov-94 08:49:37",
    "Sun Nov  6 08:49:37 1994 GMT",
    "Sun Nov 6 08:49:37 1994",
    "Sun Nov  6 08:49:37 94",
    "Sun, 06 Foo 1994 08:49:37 GMT",
    "Xyz, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 8:49:37 GMT",
  ])("is not fooled by %j", (text) => {
    expect(parseHttpDate(text)).toBeUndefined();
  });
});
