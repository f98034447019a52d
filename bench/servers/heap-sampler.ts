/**
 * Preloaded into Tandem by `npm run bench:alloc` (`node --import`): V8's sampling heap profiler, told to
 * keep the samples of objects that young-generation and full collections already freed, so the profile
 * shows every allocation (what the garbage collector pays for), not only what is still alive.
 * The first SIGUSR2 starts sampling; the second writes the profile (a Chrome DevTools .heapprofile) to a
 * temporary file and renames it to HEAP_SAMPLER_OUT, so the file appears only once it is whole.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = (method: string, params: object = {}): Promise<unknown> =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

let sampling = false;
process.on('SIGUSR2', () => {
  const step = sampling
    ? post('HeapProfiler.stopSampling').then((result) => {
        const out = process.env.HEAP_SAMPLER_OUT ?? 'tandem.heapprofile';
        writeFileSync(`${out}.partial`, JSON.stringify((result as { profile: unknown }).profile));
        renameSync(`${out}.partial`, out);
      })
    : post('HeapProfiler.enable').then(() =>
        post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }),
      );
  sampling = !sampling;
  step.catch((error: unknown) => process.stderr.write(`heap sampler failed: ${String(error)}\n`));
});
