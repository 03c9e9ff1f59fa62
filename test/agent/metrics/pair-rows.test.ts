import t from 'tap'
import { changesOfRow, encodeRow } from '../../../agent/metrics/pair-rows.js'

const T0 = Date.UTC(2026, 11, 4, 12, 0, 0)

t.test('a row holds every change of every group, in order, with the group its rule and labels', async (t) => {
  const api = ['api', 'eu-west']
  const row = encodeRow([
    {
      rule: 'order',
      labels: api,
      changes: [
        { rule: 'order', key: '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5f', state: 'pending', atMs: T0 + 0.25, labels: api, seq: 1 },
        { rule: 'order', key: 'ordre-é-ü-✓-😀', state: 'completed', atMs: T0 + 40, labels: api, seq: 2 ** 40 },
      ],
    },
    { rule: 'payment', labels: [], changes: [{ rule: 'payment', key: 'p', seq: 3 }] },
    { rule: 'order', labels: ['ünïcode'], changes: [{ rule: 'order', key: '', state: 'expired', atMs: T0, labels: ['ünïcode'], seq: 4 }] },
  ])
  t.same(
    [...changesOfRow(row)],
    [
      [1, 'order', '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5f', 'pending', T0 + 0.25, api],
      [2 ** 40, 'order', 'ordre-é-ü-✓-😀', 'completed', T0 + 40, api],
      [3, 'payment', 'p', 'forgotten', 0, []],
      [4, 'order', '', 'expired', T0, ['ünïcode']],
    ],
    'keys and labels in any script, sub-millisecond times, sequence numbers past 32 bits',
  )
  t.ok(row.length < 2 * (1 + 36 + 14 + 4 + 21 * 5), 'a change takes its key and 21 bytes')
})

t.test('a row of a format this version does not know, or a state it does not know, is an error', async (t) => {
  const row = encodeRow([{ rule: 'order', labels: [], changes: [{ rule: 'order', key: 'k', state: 'pending', atMs: T0, labels: [], seq: 1 }] }])
  t.throws(() => [...changesOfRow(Buffer.concat([Buffer.from([2]), row.subarray(1)]))], /unknown format 2/)
  const badState = Buffer.from(row)
  badState[badState.length - 6] = 'x'.charCodeAt(0)
  t.throws(() => [...changesOfRow(badState)], /unknown state/)
})
