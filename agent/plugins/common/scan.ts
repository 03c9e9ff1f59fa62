/**
 * Finding keys without `KEYS` (which blocks Redis for the whole keyspace):
 * a SCAN bounded in calls, so one scrape's cost has a ceiling whatever the
 * keyspace holds. A keyspace too large to cover within the bound yields the
 * keys found so far; the README says how to size `scan` or list the keys.
 */
import type { Redis } from 'ioredis'
import type { ScanConfig } from './scan-config.js'

/** Keys matching `pattern`, de-duplicated (SCAN may return a key twice), from at most `max_calls` SCAN calls. */
export async function scanKeys(redis: Redis, pattern: string, { count, max_calls }: ScanConfig): Promise<string[]> {
  const found = new Set<string>()
  let cursor = '0'
  for (let call = 0; call < max_calls; call++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', count)
    for (const key of keys) found.add(key)
    cursor = next
    if (cursor === '0') break
  }
  return [...found]
}

/** `pattern`'s glob characters escaped, so a configured prefix matches only itself. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
