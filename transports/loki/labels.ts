/**
 * Canonical Loki stream selectors. A stream is identified by its label set;
 * `formatLabels` writes it the way Prometheus' `labels.String()` and Loki do
 * (`{a="x", b="y"}`, names sorted, values quoted), so one label set always
 * yields one string and can key maps, the store and batches.
 */

/** Sinks see a handful of label sets; the cap only guards against a pathological feed. */
const PARSE_CACHE_LIMIT = 1024
const parseCache = new Map<string, Readonly<Record<string, string>>>()

function escapeValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))
}

/** `{a="x", b="y"}`: names sorted, values escaped (backslash, double quote, newline). */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort()
  return `{${names.map((name) => `${name}="${escapeValue(labels[name]!)}"`).join(', ')}}`
}

/** Go string escapes a selector's values may use (Loki unquotes them with strconv.Unquote). */
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' }

class SelectorReader {
  pos = 0
  constructor(readonly text: string) {}

  fail(expected: string): never {
    throw new Error(`invalid stream selector ${JSON.stringify(this.text)}: expected ${expected} at offset ${this.pos}`)
  }
  skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++
  }
  expect(char: string): void {
    this.skipSpaces()
    if (this.text[this.pos] !== char) this.fail(`"${char}"`)
    this.pos++
  }
  name(): string {
    this.skipSpaces()
    const match = /[a-zA-Z_][a-zA-Z0-9_]*/y
    match.lastIndex = this.pos
    const found = match.exec(this.text)
    if (!found) this.fail('a label name')
    this.pos += found[0].length
    return found[0]
  }
  quoted(): string {
    this.expect('"')
    let value = ''
    for (;;) {
      const c = this.text[this.pos++]
      if (c === undefined || c === '\n') this.fail('a closing quote')
      if (c === '"') return value
      if (c !== '\\') {
        value += c
        continue
      }
      const escaped = this.text[this.pos++]!
      if (escaped === 'x' || escaped === 'u' || escaped === 'U') {
        const width = escaped === 'x' ? 2 : escaped === 'u' ? 4 : 8
        const hex = this.text.slice(this.pos, this.pos + width)
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) this.fail(`${width} hex digits`)
        value += String.fromCodePoint(parseInt(hex, 16))
        this.pos += width
      } else if (escaped in ESCAPES) {
        value += ESCAPES[escaped]
      } else {
        this.fail('a valid escape')
      }
    }
  }
}

/**
 * The label set of a selector written by {@link formatLabels} (or any
 * equality-only selector Loki accepts). Throws on a malformed selector or a
 * repeated name. Results are cached and frozen.
 */
export function parseLabels(selector: string): Readonly<Record<string, string>> {
  const cached = parseCache.get(selector)
  if (cached) return cached
  const reader = new SelectorReader(selector)
  const labels: Record<string, string> = {}
  reader.expect('{')
  reader.skipSpaces()
  if (selector[reader.pos] !== '}') {
    do {
      const name = reader.name()
      if (Object.hasOwn(labels, name)) reader.fail(`no repeat of label "${name}"`)
      reader.expect('=')
      labels[name] = reader.quoted()
      reader.skipSpaces()
    } while (selector[reader.pos] === ',' && ++reader.pos)
  }
  reader.expect('}')
  reader.skipSpaces()
  if (reader.pos !== selector.length) reader.fail('end of selector')
  const frozen = Object.freeze(labels)
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear()
  parseCache.set(selector, frozen)
  return frozen
}

