import t from 'tap'
import { isDecimal, parseEpochNumber, parseIso8601, parseTimestamp, type Instant } from '../../../agent/transforms/timestamp-parse.js'

const MS = Date.UTC(2024, 0, 2, 3, 4, 5, 678)

function parsed(value: unknown): Instant | null {
  const at: Instant = { ms: 0, nanos: 0 }
  return parseTimestamp(value, at) ? at : null
}

t.test('epoch numbers: the magnitude decides the unit', async (t) => {
  const cases: Array<[string, number, Instant]> = [
    ['seconds', MS / 1000, { ms: MS, nanos: 0 }],
    ['whole seconds', 1_704_164_645, { ms: 1_704_164_645_000, nanos: 0 }],
    ['milliseconds', MS, { ms: MS, nanos: 0 }],
    ['microseconds', MS * 1000 + 123, { ms: MS, nanos: 123_000 }],
    ['fractional milliseconds', MS + 0.5, { ms: MS, nanos: 500_000 }],
    ['a fraction rounding up to a whole ms stays within it', 1.9999999999, { ms: 1999, nanos: 999_999 }],
  ]
  for (const [name, value, expected] of cases) t.same(parsed(value), expected, name)
  const ns = parsed(MS * 1e6 + 123_456)!
  const offBy = BigInt(ns.ms) * 1_000_000n + BigInt(ns.nanos) - (BigInt(MS) * 1_000_000n + 123_456n)
  t.ok(offBy >= -256n && offBy <= 256n, `nanoseconds as a double land within its 256 ns step (off by ${offBy})`)
  t.ok(ns.nanos >= 0 && ns.nanos < 1e6)
  const fractional = parsed(1_704_164_645.123456)!
  t.equal(fractional.ms, 1_704_164_645_123)
  t.ok(Math.abs(fractional.nanos - 456_000) < 1000, 'fractional seconds keep µs')
})

t.test('numbers that are no epoch are refused', async (t) => {
  const at: Instant = { ms: 0, nanos: 0 }
  for (const value of [-1, Number.NaN, Infinity, -Infinity]) t.notOk(parseEpochNumber(value, at), String(value))
})

t.test('decimal strings keep every digit, ns included', async (t) => {
  const cases: Array<[string, Instant]> = [
    ['1704164645', { ms: 1_704_164_645_000, nanos: 0 }],
    ['1704164645.678901234', { ms: 1_704_164_645_678, nanos: 901_234 }],
    ['1704164645678', { ms: 1_704_164_645_678, nanos: 0 }],
    ['1704164645678.5', { ms: 1_704_164_645_678, nanos: 500_000 }],
    ['1704164645678901', { ms: 1_704_164_645_678, nanos: 901_000 }],
    ['1704164645678901234', { ms: 1_704_164_645_678, nanos: 901_234 }],
    ['0001704164645', { ms: 1_704_164_645_000, nanos: 0 }],
    ['0', { ms: 0, nanos: 0 }],
  ]
  for (const [value, expected] of cases) t.same(parsed(value), expected, value)
})

t.test('isDecimal', async (t) => {
  for (const value of ['0', '123', '1.5', '1704164645678901234']) t.ok(isDecimal(value), value)
  for (const value of ['', '.5', '5.', '1.2.3', '-1', '+1', '1e12', ' 1', '0x10', '１２']) t.notOk(isDecimal(value), value)
})

t.test('ISO-8601 with fractions up to 9 digits and offsets', async (t) => {
  const cases: Array<[string, Instant]> = [
    ['2024-01-02T03:04:05Z', { ms: MS - 678, nanos: 0 }],
    ['2024-01-02T03:04:05.678Z', { ms: MS, nanos: 0 }],
    ['2024-01-02T03:04:05.678901234Z', { ms: MS, nanos: 901_234 }],
    ['2024-01-02T03:04:05.6789012345678Z', { ms: MS, nanos: 901_234 }],
    ['2024-01-02T03:04:05.6Z', { ms: MS - 78, nanos: 0 }],
    ['2024-01-02T03:04:05,678Z', { ms: MS, nanos: 0 }],
    ['2024-01-02t03:04:05.678z', { ms: MS, nanos: 0 }],
    ['2024-01-02 03:04:05.678', { ms: MS, nanos: 0 }],
    ['2024-01-02T05:04:05.678+02:00', { ms: MS, nanos: 0 }],
    ['2024-01-02T05:04:05.678+0200', { ms: MS, nanos: 0 }],
    ['2024-01-02T05:04:05.678+02', { ms: MS, nanos: 0 }],
    ['2024-01-01T22:34:05.678-04:30', { ms: MS, nanos: 0 }],
  ]
  for (const [value, expected] of cases) t.same(parsed(value), expected, value)
})

t.test('ISO-8601 fractions of every length scale to the same nanoseconds', async (t) => {
  const digits = '987654321987'
  for (let length = 1; length <= digits.length; length++) {
    const fractionNs = Number(digits.slice(0, Math.min(length, 9)).padEnd(9, '0'))
    const expected = { ms: MS - 678 + Math.floor(fractionNs / 1e6), nanos: fractionNs % 1e6 }
    t.same(parsed(`2024-01-02T03:04:05.${digits.slice(0, length)}Z`), expected, `${length} digits`)
  }
})

t.test('malformed ISO strings are refused', async (t) => {
  const at: Instant = { ms: 0, nanos: 0 }
  const cases = [
    '', '2024-01-02', '2024-01-02T03:04', '2024-13-02T03:04:05Z', '2024-01-32T03:04:05Z', '2024-01-02T24:04:05Z',
    '2024-01-02T03:60:05Z', '2024/01/02T03:04:05Z', '2024-01-02X03:04:05Z', '2024-01-02T03:04:05.Z',
    '2024-01-02T03:04:05+25:00', '2024-01-02T03:04:05Zjunk', '2024-01-02T03:04:05 UTC', 'Tue, 02 Jan 2024 03:04:05 GMT', 'yesterday',
  ]
  for (const value of cases) t.notOk(parseIso8601(value, at), value)
})

t.test('values of other types are refused', async (t) => {
  for (const value of [true, false, null, undefined, {}, [], 1n]) t.equal(parsed(value), null, typeof value)
})

t.test('times across hour, day and year boundaries, in any order, parse alike (the hour of the previous line is reused only when it is the same)', async (t) => {
  const values = [
    '2026-12-31T23:59:59.999Z',
    '2027-01-01T00:00:00.001Z',
    '2026-12-31T23:00:00Z',
    '2026-12-31 23:30:00+01:00',
    '2026-12-31t23:30:00-0130',
    '2026-12-31T22:59:59.5Z',
    '2026-12-31T23:59:59.999Z',
    '2026-12-31T23:5x:00Z',
  ]
  for (const value of values) {
    const iso = value.replace(' ', 'T').replace('t', 'T').replace('-0130', '-01:30')
    const expected = Date.parse(iso)
    t.same(parsed(value)?.ms ?? null, Number.isNaN(expected) ? null : expected, value)
  }
  t.equal(parsed('2026-12-31T24:00:00Z'), null, 'hour 24 is refused, after a valid line of the same day too')
})
