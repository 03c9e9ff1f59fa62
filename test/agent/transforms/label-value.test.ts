import t from 'tap'
import { MAX_LABEL_VALUE_CHARS, sanitizeLabelValue } from '../../../agent/transforms/label-value.js'

t.test('clean values come back as the very same string', async (t) => {
  for (const value of ['orders', 'ORDER_PLACED', 'ünïcødé ✓', 'a b', 'x'.repeat(MAX_LABEL_VALUE_CHARS)]) {
    t.equal(sanitizeLabelValue(value), value, value.slice(0, 20))
  }
})

t.test('control characters become underscores', async (t) => {
  const cases: Array<[string, string]> = [
    ['a\u0000b', 'a_b'],
    ['tab\there', 'tab_here'],
    ['line\r\nbreak', 'line__break'],
    ['del\u007f', 'del_'],
    ['c1\u0085', 'c1_'],
  ]
  for (const [input, expected] of cases) t.equal(sanitizeLabelValue(input), expected, JSON.stringify(input))
})

t.test('long values are cut to the cap without splitting a surrogate pair', async (t) => {
  t.equal(sanitizeLabelValue('y'.repeat(5000)), 'y'.repeat(MAX_LABEL_VALUE_CHARS))
  const straddling = 'z'.repeat(MAX_LABEL_VALUE_CHARS - 1) + '😀' + 'tail'
  const cut = sanitizeLabelValue(straddling)
  t.equal(cut, 'z'.repeat(MAX_LABEL_VALUE_CHARS - 1), 'the pair that would straddle the cap is left out whole')
  t.ok(Buffer.byteLength(sanitizeLabelValue('€'.repeat(4000))) <= 2048, 'within Loki max_label_value_length in UTF-8 bytes')
})
