/**
 * Every source type's config schema, the config's side of ./index.ts: kept
 * apart from the sources' code, so the running agent never loads zod (the
 * config is validated in a child process, see ../config/load-in-child.ts).
 */
import { DockerSourceConfig } from './docker/config.js'
import { FileSourceConfig } from './file/config.js'
import { JournaldSourceConfig } from './journald/config.js'
import { StdinSourceConfig } from './stdin-config.js'

export const sourceConfigs = [FileSourceConfig, StdinSourceConfig, DockerSourceConfig, JournaldSourceConfig] as const
