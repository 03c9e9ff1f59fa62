/**
 * Follows a changing set of log files: finds them, tells them apart by
 * fingerprint, survives rotation by rename-and-create and by copytruncate,
 * and emits their lines with the position reached. The file and docker
 * sources are both a follower with a different file list and line decoder.
 */
import { open, stat } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import type { Lifecycle, RawLine, SourceContext } from '../../core/types.js'
import { readFingerprint, type Fingerprint } from './fingerprint.js'
import { Tailer, type ChunkLines, type LineDecoder } from './tailer.js'
import { errorType } from '../errors.js'
import { startOffset } from './start-offset.js'

/**
 * A read's lines stay alive until their last batch is stored. 128 KiB keeps
 * them well inside V8's young generation (a 1 MiB read's lines were promoted
 * and grew the old one) at no measured cost in lines/s.
 */
const READ_CHUNK_BYTES = 128 * 1024
const BATCH_LINES = 1000
const BATCH_BYTES = 256 * 1024

/** A busy file yields to the others after this much per round; rotated-away files are always read to their end first. */
const ROUND_BUDGET_BYTES = 64 * 1024 * 1024

/**
 * Where the batch starting at `from` ends: at most BATCH_LINES lines and about
 * BATCH_BYTES. A function of its own, not a loop inside emitChunk: the loop
 * made V8 compile emitChunk within its first chunks, before the tailer's
 * checkpoint() had type feedback, and throw the code away at its first call
 * (bench/PERFORMANCE-LOG.md, 2026-12-06, tenth session).
 */
function batchEnd(lines: readonly RawLine[], from: number): number {
  let to = from
  for (let bytes = 0; to < lines.length && to - from < BATCH_LINES && bytes < BATCH_BYTES; to++) bytes += lines[to]!.text.length
  return to
}

export interface FollowerOptions {
  ctx: SourceContext
  /** The files to follow now (absolute paths); called on every poll. */
  listFiles(): Promise<string[]>
  /** A fresh decoder for a file first found at `path`. */
  decoderFor(path: string): LineDecoder
  readFrom: 'beginning' | 'end'
  pollIntervalMs: number
  fingerprintBytes: number
  maxLineBytes: number
  rotateWaitMs: number
}

interface Candidate {
  path: string
  stats: Stats
  handle: FileHandle
  fingerprint: Fingerprint
}

/**
 * A rotated-away file or a copytruncate copy never grows again and holds
 * lines older than any live file's; between live files the least recently
 * modified goes first. (File times are coarse, a few ms: ties keep discovery order.)
 */
function oldestContentFirst(a: Tailer, b: Tailer): number {
  const finished = (tailer: Tailer) => (tailer.draining || tailer.goneSinceMs !== undefined ? 0 : 1)
  return finished(a) - finished(b) || a.mtimeMs - b.mtimeMs
}

/** Creates the follower's lifecycle: start() begins polling, stop() finishes the emit in flight and closes every file. */
export function createFollower(options: FollowerOptions): Lifecycle {
  const { ctx } = options
  const tailers = new Map<string, Tailer>()
  const buffer = Buffer.allocUnsafe(Math.max(READ_CHUNK_BYTES, options.fingerprintBytes))
  /**
   * Written with the first batch: its presence at start means this source ran
   * before, so files without a checkpoint appeared while it was down and are
   * read whole whatever `read_from` says.
   */
  const startedKey = `started:${ctx.id}`
  let startedMarked = ctx.checkpoint(startedKey) !== undefined
  const fromEndAtStart = options.readFrom === 'end' && !startedMarked
  let stopping = false
  let running: Promise<void> | undefined
  let wake: (() => void) | undefined

  const recordError = (error: unknown, what: string, path: string, type = errorType(error)) => {
    ctx.metrics.sourceErrors.inc({ source: ctx.id, error_type: type })
    ctx.log.warn({ path, error_type: type, err: error }, `file source: ${what} failed`)
  }

  async function statAll(paths: string[]): Promise<Map<string, { path: string; stats: Stats }>> {
    const byInode = new Map<string, { path: string; stats: Stats }>()
    for (const path of paths) {
      try {
        const stats = await stat(path)
        if (stats.isFile()) byInode.set(`${stats.dev}:${stats.ino}`, { path, stats })
      } catch (error) {
        recordError(error, 'stat', path)
      }
    }
    return byInode
  }

  async function fingerprintOf(path: string): Promise<Candidate | undefined> {
    let handle: FileHandle | undefined
    try {
      handle = await open(path, 'r')
      // The handle's own stats: the path may have been rotated to another file since it was listed.
      const stats = await handle.stat()
      const fingerprint = await readFingerprint(handle, options.fingerprintBytes)
      if (fingerprint) return { path, stats, handle, fingerprint }
    } catch (error) {
      recordError(error, 'open', path)
    }
    await handle?.close()
    return undefined
  }

  /** The content `tailer` followed was truncated away: continue it in its copy if one is followed, else end it. */
  async function replaced(tailer: Tailer, candidates: Candidate[]): Promise<void> {
    const copy = candidates.findIndex((c) => c.fingerprint.id === tailer.fingerprint.id)
    const { path } = tailer
    if (copy === -1) {
      ctx.log.info({ path, offset: tailer.offset }, 'file source: file truncated; lines written after the last read and before the truncation were not seen')
      tailers.delete(tailer.fingerprint.id)
      await tailer.close()
    } else {
      const [found] = candidates.splice(copy, 1)
      ctx.log.info({ path, copy: found!.path }, 'file source: file truncated; reading the rest from its copy')
      await tailer.close()
      const { stats } = found!
      Object.assign(tailer, { path: found!.path, handle: found!.handle, dev: stats.dev, ino: stats.ino, mtimeMs: stats.mtimeMs, draining: true, replaced: false, replacedScans: 0 })
    }
    const candidate = await fingerprintOf(path)
    if (candidate) candidates.push(candidate)
  }

  async function scan(initial: boolean): Promise<void> {
    const unowned = await statAll(await options.listFiles())
    const present: Array<{ tailer: Tailer; size: number }> = []
    for (const tailer of tailers.values()) {
      const found = unowned.get(tailer.inode)
      if (found) {
        unowned.delete(tailer.inode)
        tailer.path = found.path
        tailer.mtimeMs = found.stats.mtimeMs
        tailer.goneSinceMs = undefined
        if (!tailer.draining) present.push({ tailer, size: found.stats.size })
      } else if (tailer.goneSinceMs === undefined) {
        tailer.goneSinceMs = Date.now()
        ctx.log.info({ path: tailer.path }, 'file source: file left its path (rotated or deleted); reading it to its end')
      }
    }
    const candidates: Candidate[] = []
    const byAge = [...unowned.values()].sort((a, b) => a.stats.mtimeMs - b.stats.mtimeMs)
    for (const { path } of byAge) {
      const candidate = await fingerprintOf(path)
      if (candidate) candidates.push(candidate)
    }
    for (const { tailer, size } of present) {
      if (!tailer.replaced && size >= tailer.readPos) continue
      tailer.replaced = true
      // The listing may predate the truncation (and so miss the copy made just before it): give up on a copy only after a second scan.
      const copied = candidates.some((c) => c.fingerprint.id === tailer.fingerprint.id)
      if (copied || tailer.replacedScans++ > 0) await replaced(tailer, candidates)
    }
    for (const candidate of candidates) {
      if (tailers.has(candidate.fingerprint.id)) {
        await candidate.handle.close()
        continue
      }
      const offset = await startOffset(candidate, ctx.checkpoint(`file:${candidate.fingerprint.id}`), initial && fromEndAtStart)
      ctx.log.info({ path: candidate.path, offset, fingerprint: candidate.fingerprint.id }, 'file source: following file')
      tailers.set(
        candidate.fingerprint.id,
        new Tailer({
          ...candidate,
          dev: candidate.stats.dev,
          ino: candidate.stats.ino,
          mtimeMs: candidate.stats.mtimeMs,
          offset,
          maxLineBytes: options.maxLineBytes,
          decoder: options.decoderFor(candidate.path),
        }),
      )
    }
  }

  async function emitChunk(tailer: Tailer, chunk: ChunkLines): Promise<boolean> {
    for (let from = 0; from < chunk.lines.length && !stopping; ) {
      const to = batchEnd(chunk.lines, from)
      const offset = chunk.offsets[to - 1]!
      try {
        const checkpoints = [tailer.checkpoint(offset)]
        if (!startedMarked) checkpoints.push({ key: startedKey, value: new Date().toISOString() })
        await ctx.emit({ lines: chunk.lines.slice(from, to), checkpoints })
        startedMarked = true
      } catch (error) {
        recordError(error, 'emit', tailer.path, 'emit_failed')
        tailer.rewind()
        return false
      }
      ctx.metrics.linesRead.inc({ source: ctx.id }, to - from)
      tailer.offset = offset
      from = to
    }
    return !stopping
  }

  /** Reads one tailer; true when it stopped for its budget with more to read. */
  async function readTailer(tailer: Tailer): Promise<boolean> {
    const unlimited = tailer.draining || tailer.goneSinceMs !== undefined
    for (let budget = ROUND_BUDGET_BYTES; unlimited || budget > 0; ) {
      if (stopping) return false
      const chunk = await tailer.readChunk(buffer)
      if (chunk === 'eof') return false
      if (chunk === 'replaced') {
        tailer.rewind()
        tailer.replaced = true
        return true
      }
      budget -= chunk.bytes
      ctx.metrics.bytesRead.inc({ source: ctx.id }, chunk.bytes)
      if (chunk.truncated > 0) ctx.metrics.linesTruncated.inc({ source: ctx.id }, chunk.truncated)
      if (!(await emitChunk(tailer, chunk))) return false
    }
    return true
  }

  async function closeFinished(): Promise<void> {
    const now = Date.now()
    for (const tailer of tailers.values()) {
      const idleSince = Math.max(tailer.goneSinceMs ?? Infinity, tailer.lastGrowthMs)
      if (now - idleSince < options.rotateWaitMs) continue
      const rest = tailer.flush()
      if (rest.lines.length > 0 && !(await emitChunk(tailer, rest))) continue
      tailers.delete(tailer.fingerprint.id)
      await tailer.close()
      ctx.log.info({ path: tailer.path }, 'file source: finished rotated-away file')
    }
  }

  async function run(): Promise<void> {
    for (let initial = true; !stopping; initial = false) {
      let more = false
      try {
        await scan(initial)
        for (const tailer of [...tailers.values()].sort(oldestContentFirst)) {
          more = (await readTailer(tailer)) || more
          // Truncated under us: what it held may be in a copy the next scan finds, and belongs before the newer files.
          if (tailer.replaced) break
        }
        await closeFinished()
      } catch (error) {
        recordError(error, 'poll', '')
      }
      if (!more && !stopping) await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, options.pollIntervalMs).unref()
      })
    }
  }

  return {
    async start() {
      if (running || stopping) return
      running = run()
    },
    async stop() {
      stopping = true
      wake?.()
      await running
      for (const tailer of tailers.values()) await tailer.close()
      tailers.clear()
    },
  }
}
