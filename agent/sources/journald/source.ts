/**
 * The `journald` source: runs `journalctl -o json --follow` for the chosen
 * units and ships each entry's MESSAGE, committing the entry's cursor with
 * it. When journalctl exits it is counted and restarted after a backoff,
 * after the last committed cursor.
 */
import { spawn } from 'node:child_process'
import { defineSource, type RawLine } from '../../core/types.js'
import { backoffDelay } from '../../../transports/loki/backoff.js'
import { truncateUtf8 } from '../../transforms/truncate.js'
import { LineSplitter } from '../line-splitter.js'
import type { JournaldSourceConfig } from './config.js'
import { entryReader, journalctlArgs } from './entry.js'

/** journalctl's JSON for one entry: far over any MESSAGE we keep, yet bounded (journald accepts entries of hundreds of MiB). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024
const MAX_RESTART_DELAY_MS = 30_000
const STDERR_KEPT_BYTES = 4096

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  entries: number
}

export default defineSource<JournaldSourceConfig>({
  type: 'journald',
  description: 'Follow the systemd journal of chosen units through journalctl, resuming after the committed cursor.',
  create(config, ctx) {
    const key = `journald:${ctx.id}`
    const readEntry = entryReader()
    let cursor = ctx.checkpoint(key)
    let stopping = false
    let running: Promise<void> | undefined
    let kill: (() => void) | undefined
    let wake: (() => void) | undefined

    async function runJournalctl(): Promise<Exit> {
      const args = journalctlArgs(config, cursor)
      ctx.log.info({ journalctl: config.journalctl, args }, 'journald source: starting journalctl')
      const child = spawn(config.journalctl, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      kill = () => child.kill('SIGTERM')
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_KEPT_BYTES)))
      const exited = new Promise<Omit<Exit, 'stderr' | 'entries'>>((resolve) => {
        child.on('error', (error) => {
          stderr += String(error)
          resolve({ code: null, signal: null })
        })
        child.on('close', (code, signal) => resolve({ code, signal }))
      })
      const splitter = new LineSplitter(MAX_ENTRY_BYTES)
      let entries = 0
      // Async iteration stops reading journalctl while a batch is committed: that is the backpressure.
      for await (const chunk of child.stdout) {
        ctx.metrics.bytesRead.inc({ source: ctx.id }, (chunk as Buffer).length)
        const readAtMs = Date.now()
        const lines: RawLine[] = []
        let lastCursor: string | undefined
        let truncated = 0
        splitter.push(chunk as Buffer, (text) => {
          let entry: Record<string, unknown>
          try {
            entry = JSON.parse(text) as Record<string, unknown>
          } catch {
            ctx.metrics.sourceErrors.inc({ source: ctx.id, error_type: 'decode_error' })
            return
          }
          const { line, cursor: entryCursor } = readEntry(entry, readAtMs)
          const cut = truncateUtf8(line.text, config.max_line_bytes)
          if (cut !== line.text) (truncated++, (line.text = cut))
          lines.push(line)
          lastCursor = entryCursor ?? lastCursor
        })
        if (lines.length === 0) continue
        if (truncated > 0) ctx.metrics.linesTruncated.inc({ source: ctx.id }, truncated)
        await ctx.emit({ lines, checkpoints: lastCursor === undefined ? [] : [{ key, value: lastCursor }] })
        ctx.metrics.linesRead.inc({ source: ctx.id }, lines.length)
        cursor = lastCursor ?? cursor
        entries += lines.length
      }
      return { ...(await exited), stderr: stderr.trim(), entries }
    }

    async function run(): Promise<void> {
      for (let failures = 0; !stopping; ) {
        let exit: Exit
        try {
          exit = await runJournalctl()
        } catch (error) {
          exit = { code: null, signal: null, stderr: String(error), entries: 0 }
          kill?.()
        }
        if (stopping) return
        failures = exit.entries > 0 ? 1 : failures + 1
        const delay = backoffDelay(failures - 1, { minMs: config.restart_delay, maxMs: MAX_RESTART_DELAY_MS })
        ctx.metrics.sourceErrors.inc({ source: ctx.id, error_type: 'journalctl_exit' })
        ctx.log.warn({ code: exit.code, signal: exit.signal, stderr: exit.stderr, restart_in_ms: delay }, 'journald source: journalctl exited; restarting')
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, delay).unref()
        })
      }
    }

    return {
      async start() {
        if (!running && !stopping) running = run()
      },
      async stop() {
        stopping = true
        kill?.()
        wake?.()
        await running
      },
    }
  },
})
