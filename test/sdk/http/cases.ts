/**
 * The incoming-id cases every HTTP integration must pass, with what the
 * response header and the log line must then carry.
 */
import type { Test } from 'tap'
import type { RawResponse } from './server.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'

/** One request's headers and the id expected back (a RegExp: a fresh one). */
export const INCOMING_CASES: Array<{ name: string; headers: string[]; expected: string | RegExp }> = [
  { name: 'x-correlation-id is used', headers: ['x-correlation-id: corr-123'], expected: 'corr-123' },
  { name: 'x-correlation-id wins over x-request-id', headers: ['x-request-id: req-1', 'x-correlation-id: corr-1'], expected: 'corr-1' },
  { name: 'x-request-id is used', headers: ['x-request-id: req-456'], expected: 'req-456' },
  { name: 'traceparent trace id is used', headers: [`traceparent: 00-${TRACE}-00f067aa0ba902b7-01`], expected: TRACE },
  { name: 'no header: a fresh id', headers: [], expected: UUID_V4 },
  { name: 'quotes: a fresh id', headers: ['x-correlation-id: a"},"level":"fatal'], expected: UUID_V4 },
  { name: '10 KB: a fresh id', headers: [`x-correlation-id: ${'a'.repeat(10 * 1024)}`], expected: UUID_V4 },
  { name: 'spaces: a fresh id', headers: ['x-correlation-id: two words'], expected: UUID_V4 },
  { name: 'invalid correlation id falls through to a valid request id', headers: ['x-correlation-id: bad"id', 'x-request-id: req-ok'], expected: 'req-ok' },
  { name: 'invalid traceparent: a fresh id', headers: [`traceparent: 00-${'0'.repeat(32)}-00f067aa0ba902b7-01`], expected: UUID_V4 },
]

/** Checks the echoed header and the id on the handler's log line. */
export function assertCorrelated(t: Test, response: RawResponse, loggedId: unknown, expected: string | RegExp): void {
  t.equal(response.status, 200)
  const echoed = response.headers['x-correlation-id']
  if (typeof expected === 'string') t.equal(echoed, expected)
  else t.match(echoed, expected)
  t.equal(loggedId, echoed, 'the handler logged the echoed id')
  t.ok(echoed!.length <= 128 && !/[\r\n"]/.test(echoed!), 'nothing raw reaches the header')
}
