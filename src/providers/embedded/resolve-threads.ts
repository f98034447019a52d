/**
 * How many CPU threads llama.cpp gets for a configured `threads` value.
 *
 * Why 1 on small machines: node-llama-cpp's default there is more threads than cores (4 on 2 cores), and
 * llama.cpp's threads busy-wait at a barrier after every operation, so each step waits for a descheduled
 * thread; measured on a 2-core machine, decoding with the default was 10–900x slower than with 1 thread
 * (docs/embedded-models.md).
 */
import { availableParallelism } from 'node:os';

/** Returns the thread count to pass to llama.cpp, or undefined to keep node-llama-cpp's default. */
export function resolveThreads(configured: number, cores: number = availableParallelism()): number | undefined {
  if (configured > 0) return configured;
  return cores <= 2 ? 1 : undefined;
}
