import t from 'tap'
import { PARSE_MAX_CHARS, contentStart, parseJsonObject, withoutTrailingCr } from '../../../agent/transforms/parse-json.js'

function parse(text: string, maxChars = PARSE_MAX_CHARS): Record<string, unknown> | null {
  return parseJsonObject(text, contentStart(text), maxChars)
}

t.test('contentStart finds the first non-blank character, -1 for blank lines', async (t) => {
  const cases: Array<[string, number]> = [
    ['{}', 0], ['  {}', 2], ['\t\r x', 3], ['\ufeff{"a":1}', 1], ['', -1], ['   ', -1], ['\r', -1], [' \t\v\f\r\n', -1], ['\u0000', 0],
  ]
  for (const [text, expected] of cases) t.equal(contentStart(text), expected, JSON.stringify(text))
})

t.test('withoutTrailingCr removes one CR at the end only', async (t) => {
  t.equal(withoutTrailingCr('{"a":1}\r'), '{"a":1}')
  t.equal(withoutTrailingCr('a\rb'), 'a\rb')
  t.equal(withoutTrailingCr(''), '')
})

t.test('JSON objects parse; anything else is null', async (t) => {
  t.same(parse('{"level":30,"msg":"hi"}'), { level: 30, msg: 'hi' })
  t.same(parse('   {"a":1}  '), { a: 1 }, 'surrounding blanks')
  t.same(parse('\ufeff{"a":1}'), { a: 1 }, 'a leading byte-order mark')
  for (const text of ['[1,2]', '42', '"str"', 'null', 'true', 'plain text', '{"unterminated":', '{"a":1}x', '{"nul":"a\u0000b"}', '{bad}']) {
    t.equal(parse(text), null, JSON.stringify(text))
  }
})

t.test('__proto__ keys stay own properties and never become the prototype', async (t) => {
  const fields = parse('{"__proto__":{"polluted":true,"level":50},"msg":"x"}')!
  t.equal(Object.getPrototypeOf(fields), Object.prototype)
  t.equal((fields as { polluted?: unknown }).polluted, undefined)
  t.ok(Object.hasOwn(fields, '__proto__'))
  t.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype untouched')
})

t.test('10,000-deep nesting parses without throwing', async (t) => {
  const depth = 10_000
  const fields = parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))
  t.ok(fields !== null && typeof fields.a === 'object')
})

t.test('lines longer than the cap are not parsed', async (t) => {
  const text = JSON.stringify({ pad: 'x'.repeat(100) })
  t.ok(parse(text, text.length) !== null)
  t.equal(parse(text, text.length - 1), null)
})
