/**
 * The process's own health, read only at scrape time: resident memory, V8 heap, event-loop delay and
 * start time, under the names prom-client's default collectors and most Node dashboards use.
 *
 * Hand-picked rather than prom-client's collectDefaultMetrics(): three of its nodejs_* gauges end in
 * `_total`, which `promtool check metrics` rejects, and its GC observer runs JavaScript on every
 * scavenge (hundreds a second under load). These cost nothing between scrapes except the event-loop
 * delay monitor, a libuv timer sampling every 20 ms.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics, type HeapInfo } from 'node:v8';
import { Gauge, type Registry } from 'prom-client';

/** One monitor per process, shared by every registry (tests build many gateways in one process). */
let loopDelay: IntervalHistogram | undefined;

function eventLoopDelay(): IntervalHistogram {
  if (loopDelay === undefined) {
    loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
  }
  return loopDelay;
}

export function registerProcessMetrics(registers: Registry[]): void {
  const delay = eventLoopDelay();
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size of the Tandem process in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the Tandem process since the Unix epoch, in seconds.',
    registers,
  }).set(Math.round((Date.now() - process.uptime() * 1000) / 1000));
  // V8's own counters: process.memoryUsage() would read /proc for the RSS again in each of these.
  const heap = (name: string, help: string, read: (heap: HeapInfo) => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(getHeapStatistics()));
      },
    });
  };
  heap('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', (h) => h.used_heap_size);
  heap('nodejs_heap_size_total_bytes', 'V8 heap reserved, in bytes.', (h) => h.total_heap_size);
  heap('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects (buffers included), in bytes.', (h) => h.external_memory);
  // Three gauges, not one with a `quantile` label: promtool allows that label on summaries only. All
  // three are read, then the monitor restarts, at the scrape that reads the max (collected last).
  const lag = (name: string, help: string, read: () => number, reset = false): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read() / 1e9);
        if (reset) delay.reset();
      },
    });
  };
  lag('nodejs_eventloop_lag_p50_seconds', 'Median event-loop delay since the previous scrape, sampled every 20 ms.', () => delay.percentile(50));
  lag('nodejs_eventloop_lag_p99_seconds', '99th percentile of the event-loop delay since the previous scrape.', () => delay.percentile(99));
  lag('nodejs_eventloop_lag_max_seconds', 'Longest event-loop delay since the previous scrape.', () => delay.max, true);
}
