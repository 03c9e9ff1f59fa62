/**
 * Process metrics for the agent. Not prom-client's collectDefaultMetrics: its
 * `nodejs_active_handles_total` and friends are gauges named like counters,
 * which `promtool check metrics` rejects. These follow the Prometheus
 * client conventions (`process_*` names, base units).
 */
import { LoopDelay } from './loop-delay.js'
import { Counter, Gauge, type Registry } from './prom-client.js'

export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry]
  let reportedCpuSeconds = 0
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'User and system CPU time spent, in seconds.',
    registers,
    collect() {
      const { user, system } = process.cpuUsage()
      const total = (user + system) / 1e6
      this.inc(Math.max(0, total - reportedCpuSeconds))
      reportedCpuSeconds = total
    },
  })
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size, in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss())
    },
  })
  new Gauge({
    name: 'process_heap_used_bytes',
    help: 'V8 heap in use, in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage().heapUsed)
    },
  })
  new Gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since the Unix epoch, in seconds.',
    registers,
  }).set(Math.round(Date.now() / 1000 - process.uptime()))

  const loopDelay = new LoopDelay()
  loopDelay.start()
  new Gauge({
    name: 'process_event_loop_delay_p99_seconds',
    help: '99th percentile event loop delay since the previous scrape, in seconds.',
    registers,
    collect() {
      this.set(loopDelay.percentile(99) / 1000)
      loopDelay.reset()
    },
  })
}
