/** Where reading a newly found file begins. */
import type { Stats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'

/** How far back `read_from: end` looks for the last line end, so a half-written last line is read whole. */
const TAIL_SCAN_BYTES = 64 * 1024

/**
 * The committed offset when the fingerprint is known (whatever the file is
 * called now); else the end of the last complete line for files found at
 * start with `read_from: end`; else 0.
 */
export async function startOffset(
  file: { handle: FileHandle; stats: Stats },
  checkpoint: string | undefined,
  fromEnd: boolean,
): Promise<number> {
  const saved = checkpoint === undefined ? undefined : savedOffset(checkpoint)
  if (saved !== undefined && saved <= file.stats.size) return saved
  if (!fromEnd || file.stats.size === 0) return 0
  const length = Math.min(TAIL_SCAN_BYTES, file.stats.size)
  const tail = Buffer.allocUnsafe(length)
  const { bytesRead } = await file.handle.read(tail, 0, length, file.stats.size - length)
  const nl = tail.subarray(0, bytesRead).lastIndexOf(10)
  return nl === -1 ? file.stats.size : file.stats.size - length + nl + 1
}

function savedOffset(value: string): number | undefined {
  try {
    const { offset } = JSON.parse(value) as { offset?: unknown }
    return Number.isSafeInteger(offset) && (offset as number) >= 0 ? (offset as number) : undefined
  } catch {
    return undefined
  }
}
