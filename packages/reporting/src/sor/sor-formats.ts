/**
 * The run-time helpers the generated statement-of-reasons validator calls: the JSON Schema formats
 * the schema uses (`date`, `uri`) and string length in Unicode code points (JSON Schema's
 * maxLength counts code points, as the EU database's validator does). Kept here so the generated
 * module imports nothing outside this package.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in YYYY-MM-DD form (RFC 3339 full-date). */
export function isFullDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** An absolute URI: a scheme and no whitespace (RFC 3986), as WHATWG URL parses it. */
export function isAbsoluteUri(value: string): boolean {
  if (/\s/.test(value) || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export const sorFormats = {
  date: { validate: (value: string): boolean => isFullDate(value) },
  uri: { validate: (value: string): boolean => isAbsoluteUri(value) },
} as const;

/** Length in Unicode code points (surrogate pairs count once). */
export function ucs2length(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i += 1) {
    length += 1;
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if ((next & 0xfc00) === 0xdc00) i += 1;
    }
  }
  return length;
}
