/**
 * Fastify plugin: `app.register(fastifyCorrelation)`.
 *
 * Entering the context in `onRequest` is not enough: Fastify resumes the
 * request after reading the body from the socket's callbacks, outside that
 * context, so `preValidation` re-enters the same store (the approach of
 * @fastify/request-context). Typed structurally, so the package needs no
 * Fastify types.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { currentStore, runInStore, withCorrelation } from '../context.js'
import type { CorrelationStore } from '../context.js'
import { CORRELATION_HEADER, incomingCorrelationId } from './incoming.js'

type HookDone = (err?: Error) => void

interface CorrelatedRequest {
  raw: IncomingMessage
  [storeKey]?: CorrelationStore
}
interface CorrelatedReply {
  raw: ServerResponse
  header(name: string, value: string): unknown
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyHookHost {
  addHook(name: 'onRequest' | 'preValidation', hook: (request: CorrelatedRequest, reply: CorrelatedReply, done: HookDone) => void): unknown
}

const storeKey = Symbol('threadline.correlation')

/**
 * Fastify plugin running each request's hooks and handler in its correlation
 * context and echoing the id in `x-correlation-id`. It applies to the whole
 * instance (not encapsulated), like plugins wrapped in fastify-plugin.
 */
export const fastifyCorrelation = Object.assign(
  function fastifyCorrelation(fastify: FastifyHookHost, _options: unknown, done: HookDone): void {
    fastify.addHook('onRequest', (request, reply, next) => {
      const { id } = incomingCorrelationId(request.raw.headers)
      reply.header(CORRELATION_HEADER, id)
      withCorrelation(id, () => {
        request[storeKey] = currentStore()
        next()
      })
    })
    fastify.addHook('preValidation', (request, _reply, next) => {
      const store = request[storeKey]
      if (store === undefined) next()
      else runInStore(store, () => next())
    })
    done()
  },
  {
    // What fastify-plugin sets: skip encapsulation, name the plugin in errors.
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'threadline-correlation',
  },
)
