/**
 * A real redis-server for tests: spawned from /usr/bin/redis-server on a free
 * 127.0.0.1 port, without persistence, stopped by the test's teardown.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer, connect } from 'node:net'

/** A running redis-server. */
export interface RedisServer {
  port: number
  /** `redis://127.0.0.1:PORT`. */
  url: string
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Safe twice. */
  stop(): Promise<void>
  /** Stops and starts it again on the same port, empty (nothing is persisted). */
  restart(): Promise<void>
  /** SIGSTOP: the port still accepts connections (the kernel completes the handshake) but nothing answers. */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
}

const REDIS_SERVER = '/usr/bin/redis-server'
const START_DEADLINE_MS = 10_000

/** Starts a redis-server on a free port and resolves once it accepts connections. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort()
  let child = await launch(port)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => terminate(child),
    restart: async () => {
      await terminate(child)
      child = await launch(port)
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function launch(port: number): Promise<ChildProcess> {
  const args = ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1']
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const deadline = Date.now() + START_DEADLINE_MS
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await terminate(child)
      throw new Error(`redis-server did not start on port ${port}: ${output.slice(-2000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return child
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
    // A paused server acts on SIGTERM only once it runs again.
    child.kill('SIGCONT')
  })
}
