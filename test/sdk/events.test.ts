import t from 'tap'
import {
  createLogger,
  DOMAIN_EVENTS,
  INTENT_RECEIVED,
  logIntentReceived,
  logOrderResponse,
  logOrderSubmit,
  newCorrelationId,
  ORDER_RESPONSE,
  ORDER_SUBMIT,
  withCorrelation,
} from '../../sdk/index.js'
import { capture } from './capture.js'

t.test('the domain helpers write the event name, the fields and a readable message', async (t) => {
  const out = capture()
  const ai = createLogger({ service: 'ai_engine', destination: out.stream })
  const executor = createLogger({ service: 'auto_executor', destination: out.stream })
  const id = newCorrelationId()
  withCorrelation(id, () => {
    logIntentReceived(ai, { symbol: 'BTCUSDT', intent_id: 'intent_123', confidence: 0.82 })
    logOrderSubmit(executor, { symbol: 'BTCUSDT', intent_id: 'intent_123', order_id: 'ord_1', side: 'BUY', qty: 0.01, price: 42000 })
    logOrderSubmit(executor, { symbol: 'BTCUSDT', intent_id: 'intent_124', order_id: 'ord_2', side: 'SELL', qty: 1 }, 'custom')
    logOrderResponse(executor, { symbol: 'BTCUSDT', order_id: 'ord_1', status: 'FILLED', latency_ms: 38 })
  })
  t.same(DOMAIN_EVENTS, [INTENT_RECEIVED, ORDER_SUBMIT, ORDER_RESPONSE])
  t.match(out.lines, [
    { level: 'info', service: 'ai_engine', event: 'INTENT_RECEIVED', correlation_id: id, msg: 'Intent received: BTCUSDT', symbol: 'BTCUSDT', intent_id: 'intent_123', confidence: 0.82 },
    { service: 'auto_executor', event: 'ORDER_SUBMIT', correlation_id: id, msg: 'Order submitted: BUY 0.01 BTCUSDT @ 42000', order_id: 'ord_1', side: 'BUY', qty: 0.01, price: 42000 },
    { event: 'ORDER_SUBMIT', msg: 'custom', side: 'SELL' },
    { event: 'ORDER_RESPONSE', correlation_id: id, msg: 'Order response: ord_1 FILLED', status: 'FILLED', latency_ms: 38 },
  ])
  t.equal(out.raw.every((raw) => raw.match(/"event"/g)!.length === 1), true, 'one event key per line')
})
