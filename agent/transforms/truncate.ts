/** Lines over the size limit are cut, never dropped: Loki rejects a push holding a line over its `max_line_size` (256 KiB by default). */

/** Width in UTF-8 of the character starting at `i`: 4 for a surrogate pair, 3 for a lone surrogate (encoded as U+FFFD). */
function utf8Width(text: string, i: number, code: number): number {
  if (code < 0x80) return 1
  if (code < 0x800) return 2
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(i + 1)
    if (next >= 0xdc00 && next <= 0xdfff) return 4
  }
  return 3
}

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`,
 * cut on a character boundary (a surrogate pair is never split). Returns
 * `text` itself when it fits, so callers test `result !== text`.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  // One UTF-16 unit is at most 3 UTF-8 bytes: short lines skip the byte count.
  if (text.length * 3 <= maxBytes) return text
  if (text.length <= maxBytes && Buffer.byteLength(text, 'utf8') <= maxBytes) return text
  let bytes = 0
  let i = 0
  while (i < text.length) {
    const width = utf8Width(text, i, text.charCodeAt(i))
    if (bytes + width > maxBytes) break
    bytes += width
    i += width === 4 ? 2 : 1
  }
  return text.slice(0, i)
}
