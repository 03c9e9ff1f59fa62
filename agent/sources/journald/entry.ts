/** journalctl's `-o json` entries, and the arguments that produce them. */
import { resolve } from 'node:path'
import type { RawLine } from '../../core/types.js'
import type { JournaldSourceConfig } from './config.js'

/**
 * The journalctl command line. `--all` prints fields over 4 KiB instead of
 * `null`. Paths are made absolute: journalctl 252 refuses to `--follow` a
 * `--file` given as a relative path ("Failed to get journal fd").
 */
export function journalctlArgs(config: JournaldSourceConfig, cursor: string | undefined): string[] {
  const args = ['--output=json', '--follow', '--no-pager', '--all']
  if (config.directory !== undefined) args.push(`--directory=${resolve(config.directory)}`)
  for (const file of config.files ?? []) args.push(`--file=${resolve(file)}`)
  for (const unit of config.units) args.push(`--unit=${unit}`)
  if (cursor !== undefined) args.push(`--after-cursor=${cursor}`)
  else args.push(config.read_from === 'beginning' ? '--no-tail' : '--lines=0')
  return args
}

/**
 * A MESSAGE as journalctl prints it: a string; an array of byte values when
 * it is not valid UTF-8 or holds control characters; an array of those when
 * the field occurs more than once; null when it was too big to print.
 */
export function messageText(message: unknown): string {
  if (typeof message === 'string') return message
  if (!Array.isArray(message)) return ''
  if (message.every((b) => typeof b === 'number')) return Buffer.from(message as number[]).toString('utf8')
  return message.map(messageText).join('\n')
}

export interface JournalEntry {
  line: RawLine
  cursor: string | undefined
}

/** Builds RawLines from entries, sharing one frozen origin per unit. */
export function entryReader(): (entry: Record<string, unknown>, readAtMs: number) => JournalEntry {
  const origins = new Map<string, Readonly<Record<string, string>>>()
  return (entry, readAtMs) => {
    const unit = stringField(entry._SYSTEMD_UNIT) ?? stringField(entry._SYSTEMD_USER_UNIT)
    const identifier = stringField(entry.SYSLOG_IDENTIFIER)
    const originKey = `${unit}\u0000${identifier}`
    let origin = origins.get(originKey)
    if (!origin) {
      const fields: Record<string, string> = {}
      if (unit !== undefined) fields.unit = unit
      if (identifier !== undefined) fields.identifier = identifier
      origins.set(originKey, (origin = Object.freeze(fields)))
    }
    const realtimeUs = stringField(entry.__REALTIME_TIMESTAMP)
    const line: RawLine = { text: messageText(entry.MESSAGE), readAtMs, origin }
    if (realtimeUs !== undefined && /^[1-9]\d*$/.test(realtimeUs)) line.sourceTimeNs = `${realtimeUs}000`
    return { line, cursor: stringField(entry.__CURSOR) }
  }
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
