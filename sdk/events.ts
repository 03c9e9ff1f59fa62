/**
 * Typed helpers for the trading flow's domain events, so every service logs
 * them with the same event names and fields (the agent derives metrics and
 * Loki labels from them).
 */
import type { Logger } from './logger.js'

/** An intent reached the executor's input (ai_engine → auto_executor). */
export const INTENT_RECEIVED = 'INTENT_RECEIVED'
/** An order was sent to the exchange. */
export const ORDER_SUBMIT = 'ORDER_SUBMIT'
/** The exchange answered an order. */
export const ORDER_RESPONSE = 'ORDER_RESPONSE'

/** Every domain event name. */
export const DOMAIN_EVENTS = [INTENT_RECEIVED, ORDER_SUBMIT, ORDER_RESPONSE] as const
/** A domain event name. */
export type DomainEvent = (typeof DOMAIN_EVENTS)[number]

/** An order side, as the exchange spells it. */
export type OrderSide = 'BUY' | 'SELL'
/** An exchange order status; the usual ones are listed, any string is accepted. */
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED' | (string & {})

/** Extra fields a caller may add; `event` is set by the helper. */
type Extra = { event?: never; [field: string]: unknown }

/** Fields of `INTENT_RECEIVED`. */
export interface IntentReceivedFields extends Extra {
  symbol: string
  intent_id: string
  side?: OrderSide
  confidence?: number
}

/** Fields of `ORDER_SUBMIT`. */
export interface OrderSubmitFields extends Extra {
  symbol: string
  intent_id: string
  order_id: string
  side: OrderSide
  qty: number
  /** Absent for a market order. */
  price?: number
}

/** Fields of `ORDER_RESPONSE`. */
export interface OrderResponseFields extends Extra {
  symbol: string
  order_id: string
  status: OrderStatus
  intent_id?: string
  side?: OrderSide
  qty?: number
  price?: number
}

/** Logs `INTENT_RECEIVED` at info; message default `Intent received: SYMBOL`. */
export function logIntentReceived(logger: Logger, fields: IntentReceivedFields, msg = `Intent received: ${fields.symbol}`): void {
  logger.info({ event: INTENT_RECEIVED, ...fields }, msg)
}

/** Logs `ORDER_SUBMIT` at info; message default `Order submitted: BUY 0.01 BTCUSDT @ 42000`. */
export function logOrderSubmit(logger: Logger, fields: OrderSubmitFields, msg?: string): void {
  const at = fields.price === undefined ? 'market' : `@ ${fields.price}`
  logger.info({ event: ORDER_SUBMIT, ...fields }, msg ?? `Order submitted: ${fields.side} ${fields.qty} ${fields.symbol} ${at}`)
}

/** Logs `ORDER_RESPONSE` at info; message default `Order response: ORDER_ID STATUS`. */
export function logOrderResponse(logger: Logger, fields: OrderResponseFields, msg?: string): void {
  logger.info({ event: ORDER_RESPONSE, ...fields }, msg ?? `Order response: ${fields.order_id} ${fields.status}`)
}
