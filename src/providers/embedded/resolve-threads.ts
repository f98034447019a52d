/**
 * How many CPU threads llama.cpp gets for a configured `threads` value.
 *
 * Why 1 on small machines: node-llama-cpp's default uses every math core, and on a 2-core machine shared with
 * the gateway's own event loop the threads spin-wait on each other; measured on such a machine, decoding
 * with the default was 10–250x slower than with 1 thread (see docs/embedded-models.md).
 */
import { availableParallelism } from 'node:os';

/** Returns the thread count to pass to llama.cpp, or undefined to keep node-llama-cpp's default. */
export function resolveThreads(configured: number, cores: number = availableParallelism()): number | undefined {
  if (configured > 0) return configured;
  return cores <= 2 ? 1 : undefined;
}
