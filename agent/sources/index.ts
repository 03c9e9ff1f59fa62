/**
 * Every source type, registered explicitly (no self-registration on import),
 * each loaded when a config names it: the docker, journald and stdin sources
 * are 0.6–0.9 MB of RSS an agent tailing files never uses (bench/PERFORMANCE-LOG.md).
 */
import type { LazyRegistry } from '../core/lazy-registry.js'
import type { SourceDefinition } from '../core/types.js'

export const sources = {
  file: () => import('./file/source.js'),
  stdin: () => import('./stdin.js'),
  docker: () => import('./docker/source.js'),
  journald: () => import('./journald/source.js'),
} satisfies LazyRegistry<SourceDefinition<never>>
