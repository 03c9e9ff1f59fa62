/**
 * The loki sink's YAML side (`LokiSinkConfig`) and the resolved options the
 * sink runs with (`LokiSinkOptions`): secrets are not YAML values, they come
 * from files or LOKI_* variables and are read once, at start-up.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { LokiShippingSettings } from '../../../transports/loki/index.js'
import { bytes, duration } from '../../config/zod-units.js'

const PUSH_PATH = '/loki/api/v1/push'

/** A base URL gets Loki's push path appended; a URL already ending in it is kept. */
function pushEndpoint(value: string, ctx: z.RefinementCtx): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected an http(s) URL such as "http://loki:3100", received ${JSON.stringify(value)}` })
    return z.NEVER
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `expected an http:// or https:// URL, received protocol ${JSON.stringify(url.protocol)}` })
    return z.NEVER
  }
  if (url.username || url.password) {
    // The value is not echoed: it holds a secret.
    ctx.addIssue({ code: 'custom', message: 'credentials in the URL are not allowed; use auth.username with LOKI_PASSWORD or auth.password_file' })
    return z.NEVER
  }
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = path.endsWith(PUSH_PATH) ? path : `${path}${PUSH_PATH}`
  return url.toString()
}

export const LokiSinkConfig = z
  .object({
    type: z.literal('loki'),
    /** Loki's URL, e.g. `http://loki:3100`; `/loki/api/v1/push` is appended unless the URL already ends with it. */
    endpoint: z.string().transform(pushEndpoint),
    /** `protobuf` (snappy-compressed, what Promtail and Alloy send) or `json`. */
    encoding: z.enum(['protobuf', 'json']).default('protobuf'),
    /** Gzip JSON bodies (Content-Encoding: gzip). Protobuf bodies are always snappy-compressed. */
    gzip: z.boolean().default(false),
    /** Tenant sent as X-Scope-OrgID; LOKI_TENANT_ID when unset. */
    tenant_id: z.string().min(1).optional(),
    /** HTTP basic auth. The password comes from LOKI_PASSWORD, LOKI_PASSWORD_FILE or password_file, never from this file. */
    auth: z
      .object({
        /** LOKI_USERNAME when unset. */
        username: z.string().min(1).optional(),
        /** File holding the password (a trailing newline is ignored). */
        password_file: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** File holding a bearer token (Authorization: Bearer). Exclusive with auth. */
    bearer_token_file: z.string().min(1).optional(),
    batch: z
      .object({
        /** Line bytes that fill a batch (bodies are also kept under Loki's 4 MiB message limit). */
        max_bytes: bytes().default(1024 * 1024),
        /** Longest a line waits for its batch to fill. */
        max_wait: duration().default(1000),
      })
      .strict()
      .prefault({}),
    retry: z
      .object({
        /** First retry delay; doubles per attempt, with jitter. */
        min_backoff: duration().default(500),
        /** Cap on the retry delay, Retry-After included. */
        max_backoff: duration().default(300_000),
      })
      .strict()
      .prefault({}),
    /** Longest a push may take, answer included, before it counts as failed and is retried. */
    timeout: duration().default(10_000),
    tls: z
      .object({
        /** PEM file of the CA that signed Loki's certificate. */
        ca_file: z.string().min(1).optional(),
        /** Accept any certificate. For tests only. */
        insecure_skip_verify: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.auth && config.bearer_token_file) {
      ctx.addIssue({ code: 'custom', path: ['bearer_token_file'], message: 'auth and bearer_token_file are exclusive; set one' })
    }
    if (config.gzip && config.encoding !== 'json') {
      ctx.addIssue({ code: 'custom', path: ['gzip'], message: 'gzip applies to encoding: json; protobuf bodies are always snappy-compressed' })
    }
    if (config.retry.min_backoff <= 0 || config.retry.min_backoff > config.retry.max_backoff) {
      ctx.addIssue({ code: 'custom', path: ['retry', 'min_backoff'], message: `expected a positive duration no longer than max_backoff (${config.retry.max_backoff} ms)` })
    }
    if (config.batch.max_bytes <= 0) ctx.addIssue({ code: 'custom', path: ['batch', 'max_bytes'], message: 'expected a size above 0' })
    if (config.timeout <= 0) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'expected a duration above 0' })
    if (config.tls && !config.endpoint.startsWith('https:')) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls settings need an https:// endpoint' })
    }
  })

export type LokiSinkConfig = z.output<typeof LokiSinkConfig>

/** What the sink runs with: durations in ms, secrets read; the same settings the pino transport takes. */
export interface LokiSinkOptions extends LokiShippingSettings {
  /** Full push URL. */
  endpoint: string
}

function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (error) {
    // The code (ENOENT, EACCES) only: never anything of the file's content.
    throw new Error(`loki sink: cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`)
  }
}

/**
 * Options from a validated config plus the LOKI_* environment, which fills
 * what the config leaves open (LOKI_TENANT_ID, LOKI_USERNAME, LOKI_PASSWORD,
 * LOKI_PASSWORD_FILE). Reads secret files; throws at start-up, naming the
 * file but never its content, when one is missing or a password is.
 */
export function resolveLokiSinkOptions(config: LokiSinkConfig, env: NodeJS.ProcessEnv = process.env): LokiSinkOptions {
  const tenantId = config.tenant_id ?? (env.LOKI_TENANT_ID || undefined)
  const username = config.auth?.username ?? (env.LOKI_USERNAME || undefined)
  let basicAuth: LokiSinkOptions['basicAuth']
  if (username !== undefined && !config.bearer_token_file) {
    const passwordFile = config.auth?.password_file ?? (env.LOKI_PASSWORD_FILE || undefined)
    const password = passwordFile ? readSecret(passwordFile, 'password') : env.LOKI_PASSWORD
    if (password === undefined) throw new Error('loki sink: a username is set but no password: set LOKI_PASSWORD, LOKI_PASSWORD_FILE or auth.password_file')
    basicAuth = { username, password }
  } else if (config.auth) {
    throw new Error('loki sink: auth is set but no username: set auth.username or LOKI_USERNAME')
  }
  return {
    endpoint: config.endpoint,
    encoding: config.encoding,
    gzip: config.gzip,
    ...(tenantId ? { tenantId } : {}),
    ...(basicAuth ? { basicAuth } : {}),
    ...(config.bearer_token_file ? { bearerToken: readSecret(config.bearer_token_file, 'bearer token') } : {}),
    batch: { maxBytes: config.batch.max_bytes, maxWaitMs: config.batch.max_wait },
    retry: { minBackoffMs: config.retry.min_backoff, maxBackoffMs: config.retry.max_backoff },
    timeoutMs: config.timeout,
    ...(config.tls ? { tls: { caFile: config.tls.ca_file, insecureSkipVerify: config.tls.insecure_skip_verify } } : {}),
  }
}
