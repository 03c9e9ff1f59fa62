/**
 * Spawns a server binary and waits until its readiness URL answers 2xx: the
 * one start-up loop of the Prometheus and Alertmanager spawners.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

export interface ReadyProcess {
  child: ChildProcess
  /** SIGTERM and wait for the exit (no-op once exited). */
  stop(): Promise<void>
}

export async function spawnUntilReady(command: string, args: string[], readyUrl: string, timeoutMs = 30_000): Promise<ReadyProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk))
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${stderr}`)
    const ready = await fetch(readyUrl).then((r) => r.ok, () => false)
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${command} not ready after ${timeoutMs} ms:\n${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
