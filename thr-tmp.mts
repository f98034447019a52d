import { getLlama } from 'node-llama-cpp';
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as any });
console.log('cpuMathCores', llama.cpuMathCores, 'maxThreads', llama.maxThreads);
const model = await llama.loadModel({ modelPath: 'models/stories260K.gguf' });
console.log('loaded');
for (const threads of [1, 0, 1, 0]) {
  const ctx = await model.createContext({ contextSize: 512, ...(threads ? { threads } : {}) });
  const seq = ctx.getSequence();
  const t = performance.now(); let n = 0;
  for await (const tok of seq.evaluate([1, ...model.tokenize('Once upon a time')] as any, { temperature: 0 })) { if (++n >= 100) break; }
  console.log('threads', threads || `default(${ctx.currentThreads})`, (performance.now() - t).toFixed(0), 'ms for 100 tokens');
  await ctx.dispose();
}
