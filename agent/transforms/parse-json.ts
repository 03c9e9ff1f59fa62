/**
 * parse_json: a line that is a JSON object becomes its fields; anything else
 * is shipped raw (the caller counts it). Only `{` lines reach JSON.parse, so
 * plain-text lines cost a char-code check instead of a thrown SyntaxError.
 */

/** Lines longer than this many characters are not parsed (unless the line size limit is larger): parsing a 10 MiB line costs tens of ms and holds the whole object graph. */
export const PARSE_MAX_CHARS = 1024 * 1024

/** Space, tab, LF, VT, FF, CR and the byte-order mark a file's first line may start with. */
function isBlank(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xfeff
}

/** The line without one trailing CR: a CRLF file read by a source that splits on LF only. */
export function withoutTrailingCr(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text
}

/** Index of the first character that is not blank; -1 when the line is empty or all blank. */
export function contentStart(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isBlank(text.charCodeAt(i))) return i
  return -1
}

/**
 * The line's fields when it is a JSON object of at most `maxChars`
 * characters, else null. `start` is {@link contentStart}'s answer.
 *
 * A JSON text that starts with `{` and parses is always a plain object, so no
 * further type check is needed. V8's JSON.parse is iterative: 10,000-deep (and
 * deeper) nesting parses without a RangeError; any error it might throw still
 * lands in the catch. A `"__proto__"` key becomes an own property, not the
 * prototype; every reader downstream uses plain property reads, never
 * Object.assign, which would turn it into one.
 */
export function parseJsonObject(text: string, start: number, maxChars: number): Record<string, unknown> | null {
  if (text.charCodeAt(start) !== 0x7b || text.length > maxChars) return null
  try {
    // JSON.parse skips ASCII blanks itself but not a BOM.
    return JSON.parse(start === 0 ? text : text.slice(start)) as Record<string, unknown>
  } catch {
    return null
  }
}
