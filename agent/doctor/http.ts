/**
 * The doctor's HTTP client: a GET with a deadline that resolves to what
 * happened (a status and body, or why there was none) and never throws, so
 * one unreachable service is one failed row, not a crash. Bodies are cut
 * short; endpoints carry no credentials in their URLs (./settings.ts).
 */
import type { Endpoint } from './types.js'

export type HttpAnswer =
  | { ok: true; status: number; body: string }
  | { ok: false; status?: number; body?: string; error: string }

/** GET `path` of `endpoint` with its headers. */
export async function get(endpoint: Endpoint, path: string, timeoutMs: number, retried = false): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const response = await fetch(`${endpoint.url}${path}`, { headers: endpoint.headers, signal, redirect: 'manual' })
    const body = await response.text()
    return response.ok ? { ok: true, status: response.status, body } : { ok: false, status: response.status, body, error: `HTTP ${response.status}${body ? `: ${brief(body)}` : ''}` }
  } catch (error) {
    // A kept-alive connection the server closed since the last request: a GET may be asked again, once.
    if (!retried && (error as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET') return get(endpoint, path, timeoutMs, true)
    return { ok: false, error: describeFetchError(error, timeoutMs) }
  }
}

/** Parses a 2xx JSON body; a non-JSON body becomes an error answer. */
export async function getJson<T>(endpoint: Endpoint, path: string, timeoutMs: number): Promise<{ ok: true; value: T } | { ok: false; status?: number; error: string }> {
  const answer = await get(endpoint, path, timeoutMs)
  if (!answer.ok) return answer
  try {
    return { ok: true, value: JSON.parse(answer.body) as T }
  } catch {
    return { ok: false, status: answer.status, error: `not JSON: ${brief(answer.body)}` }
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { code?: string; message?: string } }
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`
  const code = err.cause?.code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND') return 'host not found'
  return err.cause?.message ?? err.message
}

/** The first line of a body, at most 160 characters. */
export function brief(body: string): string {
  const line = body.trim().split('\n')[0] ?? ''
  return line.length > 160 ? `${line.slice(0, 157)}...` : line
}
