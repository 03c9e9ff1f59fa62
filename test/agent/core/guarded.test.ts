import t from 'tap'
import pino from 'pino'
import { guarded } from '../../../agent/core/guarded.js'

t.test('a failing job is logged with its message and runs again next time, never throwing', async (t) => {
  const logged: string[] = []
  const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) })
  let runs = 0
  const job = guarded(log, 'store WAL checkpoint failed; it will be tried again', () => {
    runs++
    if (runs < 3) throw new Error('database connection is not open')
  })
  t.doesNotThrow(job)
  t.doesNotThrow(job)
  job()
  t.equal(runs, 3, 'each call runs the job')
  t.equal(logged.length, 2, 'each failure is logged, the success is not')
  t.match(JSON.parse(logged[0]!), { msg: 'store WAL checkpoint failed; it will be tried again', err: { message: /not open/ } })
})
