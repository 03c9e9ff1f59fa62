/**
 * File identity by content: the hash of the file's first line (at most
 * `fingerprintBytes` of it). A name can be reused by rotation and an inode
 * can be reused after deletion; the first line of a log (with its timestamp)
 * stays with the content, whatever the file is called now.
 */
import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'

export interface Fingerprint {
  /** 128-bit hex digest of `prefix`; the checkpoint key is `file:<id>`. */
  id: string
  /** The bytes hashed, kept to re-check cheaply that the file still starts with them. */
  prefix: Buffer
}

/**
 * Reads the file's prefix. Undefined while the file has neither a complete
 * first line nor `fingerprintBytes` bytes: it cannot be told apart yet, and
 * nothing in it could be emitted anyway.
 */
export async function readFingerprint(handle: FileHandle, fingerprintBytes: number): Promise<Fingerprint | undefined> {
  const prefix = await readPrefix(handle, fingerprintBytes)
  const nl = prefix.indexOf(10)
  if (nl === -1 && prefix.length < fingerprintBytes) return undefined
  const hashed = nl === -1 ? prefix : prefix.subarray(0, nl + 1)
  return { id: createHash('sha256').update(hashed).digest('hex').slice(0, 32), prefix: Buffer.from(hashed) }
}

/** True while the file still begins with the fingerprinted bytes (false once it was truncated and rewritten). */
export async function stillStartsWith(handle: FileHandle, fingerprint: Fingerprint): Promise<boolean> {
  const prefix = await readPrefix(handle, fingerprint.prefix.length)
  return prefix.equals(fingerprint.prefix)
}

async function readPrefix(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length)
  let filled = 0
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return buffer.subarray(0, filled)
}
