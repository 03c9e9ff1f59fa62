import t from 'tap'
import { truncateUtf8 } from '../../../agent/transforms/truncate.js'

t.test('lines within the limit come back as the very same string', async (t) => {
  for (const [text, max] of [['short', 1024], ['x'.repeat(1024), 1024], ['é'.repeat(512), 1024], ['😀'.repeat(256), 1024]] as const) {
    t.equal(truncateUtf8(text, max), text, `${text.length} units in ${max} bytes`)
  }
})

t.test('longer lines are cut to at most the limit, on a character boundary', async (t) => {
  const cases: Array<[string, string, number, string]> = [
    ['ASCII', 'x'.repeat(2000), 1024, 'x'.repeat(1024)],
    ['2-byte chars, even limit', 'é'.repeat(1000), 1024, 'é'.repeat(512)],
    ['2-byte chars, odd limit', 'é'.repeat(1000), 1025, 'é'.repeat(512)],
    ['3-byte chars', '€'.repeat(1000), 1024, '€'.repeat(341)],
    ['surrogate pairs are never split', '😀'.repeat(1000), 1026, '😀'.repeat(256)],
    ['lone surrogates count as U+FFFD (3 bytes)', '\ud800'.repeat(1000), 1024, '\ud800'.repeat(341)],
    ['mixed', 'a😀'.repeat(500), 1024, 'a😀'.repeat(204) + 'a'],
  ]
  for (const [name, text, max, expected] of cases) {
    const cut = truncateUtf8(text, max)
    t.equal(cut, expected, name)
    t.ok(Buffer.byteLength(cut) <= max, `${name}: ${Buffer.byteLength(cut)} <= ${max} bytes`)
  }
})

t.test('a 10 MiB line is cut to 256 KiB', async (t) => {
  const cut = truncateUtf8('y'.repeat(10 * 1024 * 1024), 256 * 1024)
  t.equal(cut.length, 256 * 1024)
})
