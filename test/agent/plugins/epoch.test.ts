import t from 'tap'
import { entryIdMs, entryTimeSeconds, epochSeconds, utcSeconds } from '../../../agent/plugins/common/epoch.js'

t.test('epochSeconds: ms from 1e12, s from 1e9, nothing else', async (t) => {
  const cases: Array<[string | number | undefined | null, number | undefined]> = [
    ['1737841080123', 1737841080.123],
    [1737841080123, 1737841080.123],
    ['1737841080', 1737841080],
    ['1737841080.5', 1737841080.5],
    ['1000000000000', 1e9],
    ['999999999999', 999999999999], // below 1e12: seconds, as specified (a far future)
    ['1000000000', 1e9],
    ['999999999', undefined],
    ['0', undefined],
    ['-1737841080', undefined],
    ['yesterday', undefined],
    ['', undefined],
    ['Infinity', undefined],
    [undefined, undefined],
    [null, undefined],
  ]
  for (const [input, expected] of cases) t.equal(epochSeconds(input), expected, JSON.stringify(input))
})

t.test('entry ids and the fallback to them', async (t) => {
  t.equal(entryIdMs('1737841080000-0'), 1737841080000)
  t.equal(entryIdMs('1737841080000-17'), 1737841080000)
  t.equal(entryIdMs('1737841080000'), 1737841080000)
  t.equal(entryTimeSeconds('1737841099', '1737841080000-0'), 1737841099, 'a usable ts wins')
  t.equal(entryTimeSeconds(undefined, '1737841080000-0'), 1737841080, 'missing')
  t.equal(entryTimeSeconds('garbage', '1737841080000-3'), 1737841080, 'garbage')
  t.equal(entryTimeSeconds('0', '1737841080000-0'), 1737841080, 'zero')
})

t.test('utcSeconds: Python isoformat forms, UTC when no zone', async (t) => {
  const at = Date.UTC(2026, 0, 3, 10, 15, 23) / 1000
  t.equal(utcSeconds('2026-01-03T10:15:23'), at)
  t.equal(utcSeconds('2026-01-03 10:15:23'), at)
  t.equal(utcSeconds('2026-01-03T10:15:23Z'), at)
  t.equal(utcSeconds('2026-01-03T10:15:23+00:00'), at)
  t.equal(utcSeconds('2026-01-03T12:15:23+02:00'), at)
  t.equal(utcSeconds('2026-01-03T10:15:23.123456'), at + 0.123)
  t.equal(utcSeconds('2026-01-03T10:15:23.5'), at + 0.5)
  t.equal(utcSeconds('2026-01-03T10:15'), at - 23)
  for (const bad of [undefined, '', 'not a date', '2026-13-45T99:99:99', '1767435323']) t.equal(utcSeconds(bad), undefined, String(bad))
})
