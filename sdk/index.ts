/**
 * `threadline`: structured JSON logs carrying a correlation id across HTTP,
 * timers, promises and Redis Streams.
 */
export { bindCorrelation, correlationId, withCorrelation } from './context.js'
export { isValidCorrelationId, MAX_CORRELATION_ID_LENGTH, newCorrelationId, traceIdFromTraceparent } from './correlation-id.js'
export { openDestination } from './destination.js'
export type { DestinationStream, OwnedDestination } from './destination.js'
export {
  DOMAIN_EVENTS,
  INTENT_RECEIVED,
  logIntentReceived,
  logOrderResponse,
  logOrderSubmit,
  ORDER_RESPONSE,
  ORDER_SUBMIT,
} from './events.js'
export type { DomainEvent, IntentReceivedFields, OrderResponseFields, OrderSide, OrderStatus, OrderSubmitFields } from './events.js'
export { expressCorrelation } from './http/express.js'
export type { CorrelationMiddleware } from './http/express.js'
export { fastifyCorrelation } from './http/fastify.js'
export type { FastifyHookHost } from './http/fastify.js'
export { CORRELATION_HEADER, correlationHeaders, incomingCorrelationId } from './http/incoming.js'
export type { CorrelationSource, IncomingCorrelation } from './http/incoming.js'
export { withHttpCorrelation } from './http/node.js'
export { createLogger, DEFAULT_EVENT, LEVEL_NAMES } from './logger.js'
export type { LevelName, LogFn, Logger, LoggerOptions } from './logger.js'
export { DEFAULT_REDACT_KEYS } from './redact.js'
export type { RedactOptions } from './redact.js'
export { consumeEvents } from './redis-streams/consume.js'
export type { ConsumeOptions, EventConsumer, StreamEntry } from './redis-streams/consume.js'
export { CORRELATION_FIELD, publishEvent } from './redis-streams/publish.js'
export type { PublishedEvent, StreamFields } from './redis-streams/publish.js'
export { createFreshness, DEFAULT_FRESHNESS_FIELD, RATE_LIMITED_METRIC } from './freshness.js'
export type { Freshness, FreshnessOptions } from './freshness.js'
