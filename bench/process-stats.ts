/**
 * What the agent benchmarks read of a child process from /proc: CPU time of
 * every thread it ever had (utime + stime in /proc/<pid>/stat include exited
 * threads), of its main thread apart, and its resident set now and at its peak.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/** User + system CPU seconds of the whole process, all threads. */
export function processCpuSeconds(pid: number): number {
  return cpuSecondsOf(`/proc/${pid}/stat`)
}

/**
 * User + system CPU seconds of the process's main thread (its thread id is
 * the process id), and of all its other threads together, exited ones
 * included: V8's helper threads (collection, compiling) and libuv's pool.
 */
export function threadCpuSeconds(pid: number): { main: number; others: number } {
  const main = cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`)
  return { main, others: processCpuSeconds(pid) - main }
}

function cpuSecondsOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/** Resident set (VmRSS) and its peak (VmHWM), in MB. */
export function processRssMb(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

/** User + system CPU seconds this process has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
