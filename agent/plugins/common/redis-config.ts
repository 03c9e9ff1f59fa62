/**
 * How a plugin reaches Redis, validated with the rest of the config. The
 * password is never a YAML value (the config file is often world-readable
 * and gets pasted into tickets): it comes from a file or an environment
 * variable, read once when the plugin is created, and never logged.
 */
import { accessSync, constants } from 'node:fs'
import { z } from 'zod'
import { duration } from '../../config/zod-units.js'

/** Prometheus' default scrape timeout is 10 s; 2 s leaves room for a slow Redis and the rest of the scrape. */
export const DEFAULT_DEADLINE_MS = 2_000

function redisUrl(value: string, ctx: z.RefinementCtx): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a redis:// or rediss:// URL such as "redis://127.0.0.1:6379", received ${JSON.stringify(value)}` })
    return z.NEVER
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    ctx.addIssue({ code: 'custom', message: `expected a redis:// or rediss:// URL, received protocol ${JSON.stringify(url.protocol)}` })
    return z.NEVER
  }
  if (url.password) {
    // Not echoed: it holds a secret.
    ctx.addIssue({ code: 'custom', message: 'a password in the URL is not allowed; use password_file or password_env' })
    return z.NEVER
  }
  return value
}

export const RedisConfig = z
  .object({
    /** `redis://host:port[/db]` or `rediss://` for TLS; no password in it. */
    url: z.string().transform(redisUrl).default('redis://127.0.0.1:6379'),
    /** Database number; overrides one in the URL. */
    db: z.number().int().min(0).optional(),
    /** ACL user name (Redis 6+). */
    username: z.string().min(1).optional(),
    /** File holding the password (a trailing newline is ignored). */
    password_file: z
      .string()
      .min(1)
      .refine(
        (path) => {
          try {
            accessSync(path, constants.R_OK)
            return true
          } catch {
            return false
          }
        },
        { error: (issue) => `cannot read the password file ${JSON.stringify(issue.input)}` },
      )
      .optional(),
    /** Name of an environment variable holding the password, e.g. REDIS_PASSWORD. */
    password_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' })
      .refine((name) => (process.env[name] ?? '') !== '', { error: (issue) => `the environment variable ${String(issue.input)} is not set` })
      .optional(),
    /** Deadline for one scrape's reads; past it the scrape serves the last good values with `…_redis_up 0`. */
    deadline: duration()
      .default(DEFAULT_DEADLINE_MS)
      .refine((ms) => ms > 0, { error: 'expected a duration above 0' }),
  })
  .strict()
  .refine((config) => !(config.password_file && config.password_env), { error: 'password_file and password_env are exclusive; set one', path: ['password_env'] })
  .prefault({})

export type RedisConfig = z.output<typeof RedisConfig>
