import t from 'tap'
import type { Level } from '../../../agent/core/types.js'
import { levelOf, normalizeLevel } from '../../../agent/transforms/level.js'

t.test('normalizeLevel', async (t) => {
  const cases: Array<[unknown, Level]> = [
    // pino numbers, and custom levels between them
    [10, 'trace'], [20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error'], [60, 'fatal'], [35, 'info'], [69, 'fatal'],
    // syslog / journald PRIORITY, as numbers and as strings
    [0, 'fatal'], [1, 'fatal'], [2, 'fatal'], [3, 'error'], [4, 'warn'], [5, 'info'], [6, 'info'], [7, 'debug'],
    ['6', 'info'], ['3', 'error'], ['30', 'info'], ['50', 'error'],
    // names, any case, and aliases
    ['info', 'info'], ['INFO', 'info'], ['Warn', 'warn'], ['warning', 'warn'], ['WARNING', 'warn'], ['err', 'error'],
    ['crit', 'fatal'], ['CRITICAL', 'fatal'], ['emerg', 'fatal'], ['alert', 'fatal'], ['panic', 'fatal'],
    ['notice', 'info'], ['informational', 'info'], ['dbg', 'debug'], ['verbose', 'debug'], ['TRACE', 'trace'],
    // everything else
    [8, 'unknown'], [9, 'unknown'], [70, 'unknown'], [-1, 'unknown'], [30.5, 'unknown'], [Number.NaN, 'unknown'],
    [Infinity, 'unknown'], [true, 'unknown'], [false, 'unknown'], [null, 'unknown'], [undefined, 'unknown'],
    [{ level: 'info' }, 'unknown'], [['info'], 'unknown'], ['', 'unknown'], ['loud', 'unknown'], ['1234', 'unknown'],
    ['__proto__', 'unknown'], ['constructor', 'unknown'], ['toString', 'unknown'],
  ]
  for (const [value, expected] of cases) t.equal(normalizeLevel(value), expected, `${typeof value} ${String(value)}`)
})

t.test('levelOf reads level, lvl, severity, PRIORITY in that order; null counts as absent', async (t) => {
  const cases: Array<[Record<string, unknown>, Level]> = [
    [{ level: 30 }, 'info'],
    [{ lvl: 'warn' }, 'warn'],
    [{ severity: 'ERROR' }, 'error'],
    [{ PRIORITY: '2' }, 'fatal'],
    [{ level: 'debug', severity: 'error' }, 'debug'],
    [{ level: null, severity: 'error' }, 'error'],
    [{ level: false, severity: 'error' }, 'unknown'],
    [{ msg: 'no level' }, 'unknown'],
    [JSON.parse('{"__proto__": {"level": 50}}') as Record<string, unknown>, 'unknown'],
  ]
  for (const [fields, expected] of cases) t.equal(levelOf(fields), expected, JSON.stringify(fields))
})
