/** Label values as Loki accepts them, shared by the cardinality guard and the config schema. */

/**
 * Longest label value kept, in UTF-16 units. At most 3 UTF-8 bytes each, so
 * 1,536 bytes: under Loki's default `max_label_value_length` of 2,048 bytes,
 * past which Loki rejects the whole push with a 400.
 */
export const MAX_LABEL_VALUE_CHARS = 512

/**
 * Whether a UTF-16 unit is a C0 control, DEL or a C1 control: legal in a Loki
 * label but they break LogQL selectors copied out of Grafana, and NUL ends
 * strings in some of the tools that read them back.
 */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f)
}

/**
 * The value made safe for a Loki label: cut to {@link MAX_LABEL_VALUE_CHARS}
 * without splitting a surrogate pair, control characters replaced by `_`.
 * Returns the very same string when it is already clean, so callers can test
 * `sanitizeLabelValue(v) === v`.
 */
export function sanitizeLabelValue(value: string): string {
  let end = Math.min(value.length, MAX_LABEL_VALUE_CHARS)
  const last = value.charCodeAt(end - 1)
  if (end < value.length && last >= 0xd800 && last <= 0xdbff) end -= 1
  let clean = true
  for (let i = 0; i < end && clean; i++) clean = !isControl(value.charCodeAt(i))
  if (clean && end === value.length) return value
  let result = ''
  for (let i = 0; i < end; i++) {
    const code = value.charCodeAt(i)
    result += isControl(code) ? '_' : value[i]
  }
  return result
}
