/** The `listen` field every plugin's config has. */
import { z } from 'zod'
import { parseListen } from '../../http/server.js'
import { ON_AGENT } from '../define.js'

/**
 * A plugin's `listen` field: HOST:PORT of its own /metrics (the drop-in
 * port of the exporter it replaces by default), or `agent`.
 */
export function pluginListen(defaultAddress: string) {
  return z
    .string()
    .refine((value) => value === ON_AGENT || parseListen(value) !== undefined, {
      error: (issue) => `expected HOST:PORT or "${ON_AGENT}", received ${JSON.stringify(issue.input)}`,
    })
    .default(defaultAddress)
}
