/** The correlation id of a line: indexed in the store, never a label. */

/** Longest id accepted, like the SDK's check on incoming ids: longer values are not ids but payloads. */
export const MAX_CORRELATION_ID_LENGTH = 128

/** [A-Za-z0-9._:-] as a table indexed by char code: this runs on every line. */
const ID_CHARS = new Uint8Array(128)
for (const range of ['az', 'AZ', '09', '..', '__', '::', '--']) {
  for (let code = range.charCodeAt(0); code <= range.charCodeAt(1); code++) ID_CHARS[code] = 1
}

/** Whether a value is usable as a correlation id: a string of 1 to 128 characters from [A-Za-z0-9._:-]. */
export function isCorrelationId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CORRELATION_ID_LENGTH) return false
  for (let i = 0; i < value.length; i++) if (ID_CHARS[value.charCodeAt(i)] !== 1) return false
  return true
}

/**
 * The line's correlation id, from `correlation_id`, else `correlationId`; null
 * when neither holds a valid id (the value stays in the line either way).
 */
export function correlationIdOf(fields: Readonly<Record<string, unknown>>): string | null {
  const value = fields.correlation_id ?? fields.correlationId
  return isCorrelationId(value) ? value : null
}
