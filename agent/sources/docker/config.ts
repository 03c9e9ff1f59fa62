/** The `docker` source's config. */
import { z } from 'zod'
import { followerFields } from '../file/config.js'

export const DockerSourceConfig = z
  .object({
    type: z.literal('docker'),
    /** Container name patterns (`*`, `?`, `{a,b}`, `[abc]`), e.g. `quantum_*`. Names are matched without Docker's leading `/`. */
    containers: z.array(z.string().min(1)).min(1),
    /** Docker's container directory, holding `<id>/config.v2.json` and `<id>/<id>-json.log`. */
    root: z.string().min(1).default('/var/lib/docker/containers'),
    ...followerFields,
  })
  .strict()

export type DockerSourceConfig = z.output<typeof DockerSourceConfig>
