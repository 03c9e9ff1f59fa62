import t from 'tap'
import { changesOfRow, RowGroup, RowWriter } from '../../../agent/metrics/pair-rows.js'

const T0 = Date.UTC(2026, 11, 4, 12, 0, 0)
const api = ['api', 'eu-west']
const orderApi = new RowGroup('order', api)

t.test('a row holds every change and forgetting in the order written, each change with its rule and labels', async (t) => {
  const writer = new RowWriter()
  writer.change(orderApi, 'pending', 1, T0 + 0.25, 'order-7f1c2b9e')
  writer.forgetting(3, 2)
  writer.change(orderApi, 'completed', 2 ** 40, T0 + 40, 'ordre-é-ü-✓-😀')
  writer.change(new RowGroup('order', ['ünïcode']), 'expired', 4, T0, '')
  const { row, newestSeq } = writer.take()!
  t.same(
    [...changesOfRow(row)],
    [
      [1, 'order', 'order-7f1c2b9e', 'pending', T0 + 0.25, api],
      [3, 2],
      [2 ** 40, 'order', 'ordre-é-ü-✓-😀', 'completed', T0 + 40, api],
      [4, 'order', '', 'expired', T0, ['ünïcode']],
    ],
    'keys and labels in any script, sub-millisecond times, sequence numbers past 32 bits',
  )
  t.equal(newestSeq, 2 ** 40)
  const groups = 1 + 4 + 5 + 2 + 4 + 3 + 4 + 7 + (1 + 4 + 5 + 2 + 4 + 9)
  t.equal(row.length, 1 + groups + 3 * 25 + 14 + 20 + 0 + 17, 'a group is written once a row; a change takes its key and 25 bytes, a forgetting 17')
  t.equal(writer.take(), undefined, 'taking drains the writer')
})

t.test('a lower-case UUID key takes its 16 bytes and reads back as written; any other key is written as text', async (t) => {
  const uuid = '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5f'
  const notUuids = [
    uuid.toUpperCase(),
    '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5g',
    '7f1c2b9e_3d4a-4c5b-8e6f-0a1b2c3d4e5f',
    '7f1c2b9e-3d4a-4c5b-8e6f0-a1b2c3d4e5f',
    '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5é',
    `${uuid}0`,
    uuid.slice(1),
  ]
  for (const [i, key] of [uuid, ...notUuids].entries()) {
    const writer = new RowWriter()
    writer.change(orderApi, 'pending', i + 1, T0, key)
    const { row } = writer.take()!
    t.same([...changesOfRow(row)], [[i + 1, 'order', key, 'pending', T0, api]], `${key} reads back`)
    const groupBytes = 1 + 1 + 4 + 5 + 2 + 4 + 3 + 4 + 7
    t.equal(row.length - groupBytes, key === uuid ? 21 + 16 : 25 + Buffer.byteLength(key), key === uuid ? 'a UUID takes 37 bytes a change' : 'as text')
  }
  const writer = new RowWriter()
  const at = writer.change(orderApi, 'pending', 1, T0, uuid)
  writer.restate(at, 'completed', 2, T0 + 5)
  t.same([...changesOfRow(writer.take()!.row)], [[2, 'order', uuid, 'completed', T0 + 5, api]], 'a restated change keeps its UUID key')
})

t.test('each row defines the groups it uses, so a row read alone names them', async (t) => {
  const writer = new RowWriter()
  writer.change(orderApi, 'pending', 1, T0, 'a')
  const first = writer.take()!
  writer.change(orderApi, 'completed', 2, T0 + 1, 'a')
  const second = writer.take()!
  t.same([...changesOfRow(second.row)], [[2, 'order', 'a', 'completed', T0 + 1, api]])
  t.same([...changesOfRow(first.row)], [[1, 'order', 'a', 'pending', T0, api]])
})

t.test('a change restated in its place reads as the later change, and counts as the row\'s newest', async (t) => {
  const writer = new RowWriter()
  const at = writer.change(orderApi, 'pending', 1, T0, 'a')
  writer.change(orderApi, 'pending', 2, T0 + 1, 'b')
  writer.restate(at, 'completed', 3, T0 + 40)
  const { row, newestSeq } = writer.take()!
  t.same([...changesOfRow(row)], [[3, 'order', 'a', 'completed', T0 + 40, api], [2, 'order', 'b', 'pending', T0 + 1, api]])
  t.equal(newestSeq, 3)
})

t.test('a row outgrowing the writer\'s buffer is written whole', async (t) => {
  const writer = new RowWriter()
  const keys = Array.from({ length: 5_000 }, (_, i) => `key-${i}-${'x'.repeat(i % 50)}`)
  keys.forEach((key, i) => writer.change(orderApi, 'pending', i + 1, T0 + i, key))
  const changes = [...changesOfRow(writer.take()!.row)]
  t.equal(changes.length, keys.length)
  t.same(
    changes.filter(([seq, , key, , atMs], i) => seq !== i + 1 || key !== keys[i] || atMs !== T0 + i),
    [],
  )
})

t.test('rows of formats 1 and 2 (forgettings by key, every key as text), written by earlier versions, still load', async (t) => {
  // Written by the encoders this version replaced, for the same changes: format 1 groups each rule's changes, format 2 keeps them in order.
  const pending = [1, 'order', '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5f', 'pending', T0 + 0.25, api]
  const forgotten = [3, 'payment', 'p', 'forgotten', 0, []]
  const completed = [2 ** 40, 'order', 'ordre-é-ü-✓-😀', 'completed', T0 + 40, api]
  const expired = [4, 'order', '', 'expired', T0, ['ünïcode']]
  const rows = {
    1: {
      base64:
        'AQUAAABvcmRlcgIAAwAAAGFwaQcAAABldS13ZXN0AgAAAAAAAAAAAPA/AAQgzw4kekJwJAAAADdmMWMyYjllLTNkNGEtNGM1Yi04ZTZmLTBhMWIyYzNkNGU1ZgAAAAAAAHBCAIAizw4kekJjFAAAAG9yZHJlLcOpLcO8LeKcky3wn5iABwAAAHBheW1lbnQAAAEAAAAAAAAAAAAIQAAAAAAAAAAAZgEAAABwBQAAAG9yZGVyAQAJAAAAw7xuw69jb2RlAQAAAAAAAAAAABBAAAAgzw4kekJlAAAAAA==',
      changes: [pending, completed, forgotten, expired],
    },
    2: {
      base64:
        'AkcFAAAAb3JkZXICAAMAAABhcGkHAAAAZXUtd2VzdHAAAAAAAAAAAAAA8D8ABCDPDiR6QiQAAAA3ZjFjMmI5ZS0zZDRhLTRjNWItOGU2Zi0wYTFiMmMzZDRlNWZHBwAAAHBheW1lbnQAAGYBAAAAAAAAAAAACEAAAAAAAAAAAAEAAABwYwAAAAAAAAAAAABwQgCAIs8OJHpCFAAAAG9yZHJlLcOpLcO8LeKcky3wn5iARwUAAABvcmRlcgEACQAAAMO8bsOvY29kZWUCAAAAAAAAAAAAEEAAACDPDiR6QgAAAAA=',
      changes: [pending, forgotten, completed, expired],
    },
  }
  for (const [format, { base64, changes }] of Object.entries(rows)) {
    t.same([...changesOfRow(Buffer.from(base64, 'base64'))], changes, `format ${format}`)
  }
})

t.test('a row of a format this version does not know, a state it does not know or a group it never defined, is an error', async (t) => {
  const writer = new RowWriter()
  writer.change(new RowGroup('order', []), 'pending', 1, T0, 'k')
  const { row } = writer.take()!
  t.throws(() => [...changesOfRow(Buffer.concat([Buffer.from([4]), row.subarray(1)]))], /unknown format 4/)
  const badState = Buffer.from(row)
  const change = row.length - (25 + 1)
  badState[change] = 'x'.charCodeAt(0)
  t.throws(() => [...changesOfRow(badState)], /unknown state/)
  const badGroup = Buffer.from(row)
  badGroup.writeUInt32LE(7, change + 1)
  t.throws(() => [...changesOfRow(badGroup)], /names group 7 before defining it/)
})
