/** Every source type, registered explicitly (no self-registration on import). */
import docker from './docker/source.js'
import file from './file/source.js'
import journald from './journald/source.js'
import stdin from './stdin.js'

export const sources = { file, stdin, docker, journald }

export { isEnding, stdinSource, type EndingLifecycle } from './stdin.js'
