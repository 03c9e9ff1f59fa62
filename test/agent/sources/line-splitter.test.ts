import t from 'tap'
import { LineSplitter } from '../../../agent/sources/line-splitter.js'

/** Feeds `input` in chunks of `size` bytes and collects [text, truncated] per line. */
function split(input: Buffer, size: number, maxLineBytes: number, flush = false): Array<[string, boolean]> {
  const splitter = new LineSplitter(maxLineBytes)
  const lines: Array<[string, boolean]> = []
  const collect = (text: string, _end: number, truncated: boolean) => lines.push([text, truncated])
  for (let i = 0; i < input.length; i += size) splitter.push(input.subarray(i, i + size), collect)
  if (flush) splitter.flush(collect)
  return lines
}

t.test('every chunking of the same bytes gives the same lines', async (t) => {
  const input = Buffer.from('alpha\r\nbé\n\n€uro line\r\ntail')
  const whole = split(input, input.length, 1024)
  t.same(whole, [['alpha', false], ['bé', false], ['', false], ['€uro line', false]])
  for (let size = 1; size < input.length; size++) t.same(split(input, size, 1024), whole, `chunks of ${size} bytes`)
  t.same(split(input, 3, 1024, true).at(-1), ['tail', false], 'flush hands out the unterminated last line')
})

t.test('over-long lines are cut on a character boundary whatever the chunking, and only their head is held', async (t) => {
  const input = Buffer.from(`${'€'.repeat(10)}\nok\n`)
  for (const size of [1, 4, 7, 100]) {
    t.same(split(input, size, 8), [['€€', true], ['ok', false]], `chunks of ${size} bytes`)
  }
  const splitter = new LineSplitter(16)
  splitter.push(Buffer.alloc(1024 * 1024, 0x61), () => t.fail('no line yet'))
  t.equal(splitter.pendingBytes, 1024 * 1024, 'skipped bytes are counted as consumed')
  t.throws(() => new LineSplitter(0), /maxLineBytes must be a positive integer, received 0/)
})

t.test('end offsets point just past each LF within the chunk', async (t) => {
  const splitter = new LineSplitter(64)
  const ends: number[] = []
  splitter.push(Buffer.from('ab'), () => undefined)
  splitter.push(Buffer.from('c\nde\r\nf'), (_text, end) => ends.push(end))
  t.same(ends, [2, 6])
})
